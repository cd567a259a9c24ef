import { describe, expect, it } from "vitest";
import { outputText, responseBody, runErrorWords, type ResponseObject } from "./responses";

describe("responses", () => {
  it("builds the public request body", () => {
    expect(responseBody("zlm-v1-summary-cloud", "Hello.")).toEqual({
      model: "zlm-v1-summary-cloud",
      input: [{ role: "user", content: "Hello." }],
      text: { format: { type: "text" } },
    });
  });

  it("reads the output text", () => {
    const answer: ResponseObject = {
      id: "resp_1",
      object: "response",
      model: "m",
      output: [{ type: "message", role: "assistant", content: [{ type: "output_text", text: "Short." }] }],
      usage: { input_tokens: 3, output_tokens: 1, total_tokens: 4 },
    };
    expect(outputText(answer)).toBe("Short.");
    expect(outputText({ ...answer, output: [] })).toBe("");
  });

  it("puts failures in words, keeping the server's message", () => {
    expect(runErrorWords(402, "You have no credit.", "insufficient_quota")).toBe(
      "Your organization is out of credit. Add to your credit balance on the Billing page, then try again. (You have no credit.)",
    );
    expect(runErrorWords(420, "Input is 9000 tokens; the limit is 8192", "context_length_exceeded")).toMatch(/^The text is too long for this model\./);
    expect(runErrorWords(401, null, null)).toMatch(/key was not accepted.*Create a new playground key/);
    expect(runErrorWords(429, null, null)).toMatch(/Too many requests/);
    expect(runErrorWords(503, null, null)).toMatch(/failed to answer/);
    expect(runErrorWords(0, null, null)).toMatch(/could not be reached/);
    expect(runErrorWords(400, "model: unknown model", null)).toBe("model: unknown model");
  });
});
