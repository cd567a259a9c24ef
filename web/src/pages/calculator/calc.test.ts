import { describe, expect, it } from "vitest";
import prices from "../../data/llm-prices.json";
import {
  compare,
  costOf,
  monthlyCostMicro,
  parseCount,
  parseUsdMicro,
  percentLess,
  rivalsOf,
  volumeFromRequests,
  volumeFromTokens,
  type PriceTable,
  type Rival,
} from "./calc";

const ZEROGPU = { input: 200_000n, output: 400_000n }; // $0.20 / $0.40 per million
const GPT_4O: Rival = { id: "gpt-4o", name: "GPT-4o", source: "", price: { input: 2_500_000n, output: 10_000_000n } };
const MINI: Rival = { id: "mini", name: "mini", source: "", price: { input: 150_000n, output: 600_000n } };

describe("parseUsdMicro", () => {
  it("reads decimal dollars exactly", () => {
    expect(parseUsdMicro("0.15")).toBe(150_000n);
    expect(parseUsdMicro("2.5")).toBe(2_500_000n);
    expect(parseUsdMicro("10")).toBe(10_000_000n);
    expect(parseUsdMicro("0.000001")).toBe(1n);
    expect(parseUsdMicro(" 1.10 ")).toBe(1_100_000n);
  });

  it("refuses what is not a plain amount", () => {
    for (const bad of ["", "-1", "1e3", "0.0000001", "$1", "1.2.3", "abc"]) {
      expect(() => parseUsdMicro(bad)).toThrow(RangeError);
    }
  });
});

describe("parseCount", () => {
  it("reads counts as people type them", () => {
    expect(parseCount("1500")).toBe(1500);
    expect(parseCount("1,500,000")).toBe(1_500_000);
    expect(parseCount("1 500")).toBe(1500);
    expect(parseCount("1.5k")).toBe(1500);
    expect(parseCount("20M")).toBe(20_000_000);
    expect(parseCount("2b")).toBe(2_000_000_000);
    expect(parseCount("0")).toBe(0);
  });

  it("gives null for empty, negative or unreadable text", () => {
    for (const bad of ["", "-5", "abc", "1..2", "5x", "k"]) expect(parseCount(bad)).toBeNull();
  });
});

describe("volumes", () => {
  it("multiplies requests per day by tokens over a 30-day month", () => {
    const v = volumeFromRequests(1000, 500, 50);
    expect(v.inputTokens).toBe(15_000_000n);
    expect(v.outputTokens).toBe(1_500_000n);
  });

  it("takes another month length", () => {
    expect(volumeFromRequests(10, 100, 0, 31).inputTokens).toBe(31_000n);
  });

  it("rejects negative volumes", () => {
    expect(() => volumeFromTokens(-1, 0)).toThrow(RangeError);
    expect(() => volumeFromRequests(1, Number.NaN, 1)).toThrow(RangeError);
  });

  it("stays exact past the float range", () => {
    // 10^12 tokens a month at $15 per million: 15,000,000 dollars, exactly.
    const v = volumeFromTokens(0, 1e12);
    expect(monthlyCostMicro(v, { input: 0n, output: 15_000_000n })).toBe(15_000_000_000_000n);
  });
});

describe("costs", () => {
  it("prices a month and a year", () => {
    const v = volumeFromRequests(1000, 500, 50);
    // 15M × $0.20 + 1.5M × $0.40 = $3.00 + $0.60
    expect(costOf(v, ZEROGPU)).toEqual({ monthlyMicro: 3_600_000n, yearlyMicro: 43_200_000n });
  });

  it("rounds up once, to the micro-dollar", () => {
    // 3 input tokens at $0.20 per million = 0.6 micro-dollars → 1
    expect(monthlyCostMicro(volumeFromTokens(3, 0), ZEROGPU)).toBe(1n);
    expect(monthlyCostMicro(volumeFromTokens(0, 0), ZEROGPU)).toBe(0n);
    // 5 + 5 tokens: (5 × 0.2 + 5 × 0.4) = 3 micro-dollars exactly
    expect(monthlyCostMicro(volumeFromTokens(5, 5), ZEROGPU)).toBe(3n);
  });

  it("computes savings and the share less", () => {
    const { ours, rows } = compare(volumeFromRequests(1000, 500, 50), ZEROGPU, [GPT_4O, MINI]);
    expect(ours.monthlyMicro).toBe(3_600_000n);
    const [gpt, mini] = rows;
    // GPT-4o: 15M × $2.50 + 1.5M × $10 = $37.50 + $15.00 = $52.50
    expect(gpt?.monthlyMicro).toBe(52_500_000n);
    expect(gpt?.yearlyMicro).toBe(630_000_000n);
    expect(gpt?.savingsMonthlyMicro).toBe(48_900_000n);
    expect(gpt?.savingsYearlyMicro).toBe(586_800_000n);
    expect(gpt?.percentLess).toBe(93.1);
    // A rival that is cheaper here gives a negative saving, not a hidden one.
    expect(mini?.monthlyMicro).toBe(3_150_000n);
    expect(mini?.savingsMonthlyMicro).toBe(-450_000n);
    expect(mini?.percentLess).toBe(-14.2);
  });

  it("has no share when the rival costs nothing", () => {
    expect(percentLess(0n, 0n)).toBeNull();
    expect(percentLess(0n, 100n)).toBe(100);
  });
});

describe("the bundled price table", () => {
  it("parses, with a date and a source for every model", () => {
    const table = prices as PriceTable;
    expect(table.as_of).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const rivals = rivalsOf(table);
    expect(rivals.length).toBeGreaterThanOrEqual(4);
    for (const rival of rivals) {
      expect(rival.source).toMatch(/^https:\/\//);
      expect(rival.price.input).toBeGreaterThan(0n);
      expect(rival.price.output).toBeGreaterThan(0n);
    }
    expect(new Set(rivals.map((r) => r.id)).size).toBe(rivals.length);
  });
});
