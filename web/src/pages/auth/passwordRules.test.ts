import { describe, expect, it } from "vitest";
import { passwordProblem } from "./passwordRules";

describe("passwordProblem", () => {
  it("accepts a long passphrase", () => {
    expect(passwordProblem("a long test passphrase", "ada@example.com")).toBeNull();
  });
  it("refuses short passwords", () => {
    expect(passwordProblem("short", "ada@example.com")).toMatch(/at least 10/);
  });
  it("refuses a password containing the email's local part", () => {
    expect(passwordProblem("my-ADALOVE-password", "adalove@example.com")).toMatch(/email/);
  });
  it("ignores local parts under three characters", () => {
    expect(passwordProblem("abcdefghijkl", "ab@example.com")).toBeNull();
  });
});
