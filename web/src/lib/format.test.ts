import { describe, expect, it } from "vitest";
import {
  formatCount,
  formatDate,
  formatDateTime,
  formatLatency,
  formatPercent,
  formatRelative,
  formatTokens,
  formatUsd,
  formatUsdString,
  usdToMicros,
} from "./format";

describe("formatUsd", () => {
  it("formats whole and cent amounts from micro-dollars", () => {
    expect(formatUsd(5_000_000)).toBe("$5.00");
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(1_234_567_890)).toBe("$1,234.57");
    expect(formatUsd(10_000)).toBe("$0.01");
  });
  it("keeps sub-cent amounts visible", () => {
    expect(formatUsd(4_200)).toBe("$0.0042");
    expect(formatUsd(1)).toBe("$0.000001");
    expect(formatUsd(50)).toBe("$0.00005");
  });
  it("signs negatives and, on request, positives", () => {
    expect(formatUsd(-1_500_000)).toBe("-$1.50");
    expect(formatUsd(5_000_000, { signed: true })).toBe("+$5.00");
    expect(formatUsd(0, { signed: true })).toBe("$0.00");
  });
  it("says a dash for what is not a number", () => {
    expect(formatUsd(Number.NaN)).toBe("—");
  });
});

describe("formatUsdString / usdToMicros", () => {
  it("reads the API's decimal strings", () => {
    expect(formatUsdString("5.00")).toBe("$5.00");
    expect(formatUsdString("25", { signed: true })).toBe("+$25.00");
    expect(formatUsdString("-0.0042")).toBe("-$0.0042");
    expect(formatUsdString("abc")).toBe("—");
    expect(formatUsdString("")).toBe("—");
  });
  it("converts dollars to micros without float drift", () => {
    expect(usdToMicros("0.1")).toBe(100_000);
    expect(usdToMicros(19.99)).toBe(19_990_000);
    expect(() => usdToMicros("x")).toThrow(RangeError);
  });
});

describe("formatTokens", () => {
  it("leaves small counts alone", () => {
    expect(formatTokens(0)).toBe("0");
    expect(formatTokens(999)).toBe("999");
  });
  it("abbreviates thousands, millions and billions", () => {
    expect(formatTokens(1000)).toBe("1K");
    expect(formatTokens(1234)).toBe("1.2K");
    expect(formatTokens(12_345)).toBe("12.3K");
    expect(formatTokens(123_456)).toBe("123K");
    expect(formatTokens(3_400_000)).toBe("3.4M");
    expect(formatTokens(2_500_000_000)).toBe("2.5B");
  });
  it("rounds across unit boundaries", () => {
    expect(formatTokens(999_499)).toBe("999K");
    expect(formatTokens(999_500)).toBe("1M");
    expect(formatTokens(999_600_000)).toBe("1B");
  });
  it("keeps the sign", () => {
    expect(formatTokens(-1500)).toBe("-1.5K");
  });
});

describe("formatCount / formatPercent", () => {
  it("groups thousands", () => {
    expect(formatCount(1_234_567)).toBe("1,234,567");
  });
  it("formats shares", () => {
    expect(formatPercent(0.1234)).toBe("12%");
    expect(formatPercent(0.0123)).toBe("1.2%");
    expect(formatPercent(0)).toBe("0%");
    expect(formatPercent(1)).toBe("100%");
  });
});

describe("formatLatency", () => {
  it("uses milliseconds under a second", () => {
    expect(formatLatency(12)).toBe("12 ms");
    expect(formatLatency(12.4)).toBe("12 ms");
    expect(formatLatency(0.4)).toBe("0.4 ms");
    expect(formatLatency(999)).toBe("999 ms");
  });
  it("uses seconds from a second", () => {
    expect(formatLatency(999.6)).toBe("1.0 s");
    expect(formatLatency(1320)).toBe("1.3 s");
    expect(formatLatency(65_000)).toBe("65 s");
  });
  it("says a dash for a missing latency", () => {
    expect(formatLatency(null)).toBe("—");
    expect(formatLatency(undefined)).toBe("—");
  });
});

describe("dates", () => {
  // Built from local components so the test holds in any time zone.
  const local = new Date(2026, 2, 11, 15, 12, 47).getTime() / 1000;
  it("formats a date and a date-time in local time", () => {
    expect(formatDate(local)).toBe("2026-03-11");
    expect(formatDateTime(local)).toBe("2026-03-11 15:12:47");
  });
  it("pads single digits", () => {
    const early = new Date(2026, 0, 2, 3, 4, 5).getTime() / 1000;
    expect(formatDateTime(early)).toBe("2026-01-02 03:04:05");
  });
  it("says how long ago", () => {
    expect(formatRelative(null)).toBe("Never");
    expect(formatRelative(1000, 1030)).toBe("just now");
    expect(formatRelative(1000, 1000 + 300)).toBe("5 min ago");
    expect(formatRelative(1000, 1000 + 3 * 3600)).toBe("3 h ago");
    expect(formatRelative(1000, 1000 + 2 * 86400)).toBe("2 d ago");
  });
});
