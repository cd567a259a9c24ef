import { describe, expect, it } from "vitest";
import { amountProblem, brandName, formatExpiry, groupCardNumber, methodLabel, normalizeUsd, presetLabel, usdToCents } from "./money";

describe("amounts", () => {
  it("normalizes what people type into the API's decimal string", () => {
    expect(normalizeUsd("25")).toBe("25.00");
    expect(normalizeUsd("$25")).toBe("25.00");
    expect(normalizeUsd(" 12.5 ")).toBe("12.50");
    expect(normalizeUsd("1,000.00")).toBe("1000.00");
    expect(normalizeUsd("007")).toBe("7.00");
    expect(normalizeUsd("7.")).toBe("7.00");
  });

  it("refuses fractions of a cent, signs and words", () => {
    for (const bad of ["", "12.345", "-5", "1e3", "ten", "$"]) expect(normalizeUsd(bad)).toBeNull();
  });

  it("counts cents exactly", () => {
    expect(usdToCents("12.50")).toBe(1250);
    expect(usdToCents("0.10")).toBe(10);
    expect(usdToCents("10000")).toBe(1_000_000);
  });

  it("says why an amount cannot be bought", () => {
    expect(amountProblem("25", "5.00", "10000.00")).toBeNull();
    expect(amountProblem("5", "5.00", "10000.00")).toBeNull();
    expect(amountProblem("4.99", "5.00", "10000.00")).toBe("The smallest amount is $5.");
    expect(amountProblem("10000.01", "5.00", "10000.00")).toBe("The largest amount is $10,000.");
    expect(amountProblem("abc", "5.00", "10000.00")).toMatch(/dollars and cents/);
  });

  it("labels presets as the buttons show them", () => {
    expect(presetLabel("10.00")).toBe("$10");
    expect(presetLabel("12.50")).toBe("$12.50");
    expect(presetLabel("10000.00")).toBe("$10,000");
  });
});

describe("cards", () => {
  it("groups card numbers as printed", () => {
    expect(groupCardNumber("4242424242424242")).toBe("4242 4242 4242 4242");
    expect(groupCardNumber("4242 4242-4242")).toBe("4242 4242 4242");
    expect(groupCardNumber("378282246310005")).toBe("3782 822463 10005");
    expect(groupCardNumber("")).toBe("");
  });

  it("writes the expiry as MM/YY", () => {
    expect(formatExpiry("1230")).toBe("12/30");
    expect(formatExpiry("12 / 30")).toBe("12/30");
    expect(formatExpiry("1")).toBe("1");
    expect(formatExpiry("12")).toBe("12");
    expect(formatExpiry("123")).toBe("12/3");
  });

  it("names saved methods", () => {
    expect(brandName("american_express")).toBe("American Express");
    expect(methodLabel({ brand: "visa", last4: "4242", exp_month: 3, exp_year: 2030 })).toBe("Visa •••• 4242, expires 03/2030");
  });
});
