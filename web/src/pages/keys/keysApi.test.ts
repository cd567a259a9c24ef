import { describe, expect, it } from "vitest";
import { secretMatches } from "./keysApi";

describe("secretMatches", () => {
  const secret = "zgpu-api-ab12cdefghijklmnop9xyz";
  it("matches the masked form of the same key", () => {
    expect(secretMatches(secret, "zgpu-api-ab12…9xyz")).toBe(true);
  });
  it("refuses another key", () => {
    expect(secretMatches(secret, "zgpu-api-ff00…9xyz")).toBe(false);
    expect(secretMatches(secret, "zgpu-api-ab12…0000")).toBe(false);
  });
  it("refuses masks without an ellipsis", () => {
    expect(secretMatches(secret, "zgpu-api-ab12")).toBe(false);
  });
});
