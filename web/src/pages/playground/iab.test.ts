import { describe, expect, it } from "vitest";
import { formatScore, parseClassification, prettyResult, tierPath } from "./iab";

const ANSWER = JSON.stringify({
  audience: [{ id: 635, parent_id: 0, name: "Cooking", tier1_name: "Interest", tier2_name: "Food & Drink", tier3_name: "Cooking", score: 0.61 }],
  content: {
    iab_1_0: [{ code: "IAB8-12", name: "Health/Lowfat Cooking", tier: 2, parent_code: "IAB8", score: 0.61 }],
    iab_2_2: [{ id: 216, parent_id: 210, name: "Healthy Cooking and Eating", tier1_name: "Food & Drink", tier2_name: "Healthy Cooking and Eating", score: 0.61 }],
    iab_3_1: [{ id: "JLBCU7", parent_id: 0, name: "Food & Drink", tier1_name: "Food & Drink", score: 0.4 }],
  },
  topics: [{ name: "pasta water", score: 0.98 }],
  keywords: ["pasta water", "grated parmesan"],
  user_intent: { name: "find out how to do something", category: "informational", score: 0.32 },
});

describe("parseClassification", () => {
  it("reads every part of the answer", () => {
    const c = parseClassification(ANSWER);
    expect(c.iab_2_2[0]).toEqual({ id: 216, name: "Healthy Cooking and Eating", score: 0.61, tiers: ["Food & Drink", "Healthy Cooking and Eating"] });
    expect(c.iab_1_0[0]?.code).toBe("IAB8-12");
    expect(c.iab_3_1[0]?.id).toBe("JLBCU7");
    expect(tierPath(c.audience[0]!)).toBe("Interest › Food & Drink › Cooking");
    expect(c.topics).toEqual([{ name: "pasta water", score: 0.98 }]);
    expect(c.keywords).toEqual(["pasta water", "grated parmesan"]);
    expect(c.userIntent).toEqual({ name: "find out how to do something", category: "informational", score: 0.32 });
  });

  it("leaves missing parts empty", () => {
    const c = parseClassification("{}");
    expect(c.audience).toEqual([]);
    expect(c.iab_2_2).toEqual([]);
    expect(c.keywords).toEqual([]);
    expect(c.userIntent).toBeNull();
  });

  it("fails on text that is not a JSON object", () => {
    expect(() => parseClassification("not json")).toThrow(SyntaxError);
    expect(() => parseClassification("[1, 2]")).toThrow(TypeError);
  });

  it("formats scores and the copied result", () => {
    expect(formatScore(0.8731)).toBe("0.87");
    expect(prettyResult('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyResult("plain")).toBe("plain");
  });
});
