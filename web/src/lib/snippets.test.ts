import { describe, expect, it } from "vitest";
import { buildSnippet, maskSecret, responsesUrl, type SnippetInput } from "./snippets";

const base: SnippetInput = {
  baseUrl: "http://127.0.0.1:8000/",
  projectId: "11111111-2222-3333-4444-555555555555",
  model: "nlm-summarize-v1",
  apiKey: null,
};

describe("responsesUrl", () => {
  it("joins the origin and the endpoint without doubled slashes", () => {
    expect(responsesUrl("https://api.example.com")).toBe("https://api.example.com/v1/responses");
    expect(responsesUrl("https://api.example.com//")).toBe("https://api.example.com/v1/responses");
  });
});

describe("curl snippet", () => {
  it("has the documented shape, filled in", () => {
    const text = buildSnippet("curl", { ...base, apiKey: "zgpu-secret" });
    expect(text).toBe(
      [
        "curl --location 'http://127.0.0.1:8000/v1/responses' \\",
        "--header 'content-type: application/json' \\",
        "--header 'x-api-key: zgpu-secret' \\",
        "--header 'x-project-id: 11111111-2222-3333-4444-555555555555' \\",
        "--data '{",
        '  "model": "nlm-summarize-v1",',
        '  "input": [',
        "    {",
        '      "role": "user",',
        '      "content": "Your input text here..."',
        "    }",
        "  ],",
        '  "text": {',
        '    "format": {',
        '      "type": "text"',
        "    }",
        "  }",
        "}'",
      ].join("\n"),
    );
  });
  it("reads the key from the environment when none is at hand", () => {
    expect(buildSnippet("curl", base)).toContain('--header "x-api-key: $ZEROGPU_API_KEY" \\');
  });
  it("escapes single quotes in the input for the shell", () => {
    const text = buildSnippet("curl", { ...base, input: "it's" });
    expect(text).toContain(`"content": "it'\\''s"`);
  });
  it("keeps the JSON body valid", () => {
    const text = buildSnippet("curl", { ...base, input: 'say "hi"\nplease' });
    const body = text.slice(text.indexOf("--data '") + 8, -1);
    expect(JSON.parse(body)).toEqual({
      model: "nlm-summarize-v1",
      input: [{ role: "user", content: 'say "hi"\nplease' }],
      text: { format: { type: "text" } },
    });
  });
});

describe("python snippet", () => {
  it("posts with requests and prints the JSON", () => {
    const text = buildSnippet("python", { ...base, apiKey: "zgpu-secret" });
    expect(text.startsWith("import requests\n")).toBe(true);
    expect(text).toContain('url = "http://127.0.0.1:8000/v1/responses"');
    expect(text).toContain('    "x-api-key": "zgpu-secret",');
    expect(text).toContain('    "x-project-id": "11111111-2222-3333-4444-555555555555",');
    expect(text).toContain('    "model": "nlm-summarize-v1",');
    expect(text).toContain("response = requests.post(url, headers=headers, json=payload)");
    expect(text.endsWith("print(response.json())")).toBe(true);
    expect(text).not.toContain("import os");
  });
  it("reads the key from the environment when none is at hand", () => {
    const text = buildSnippet("python", base);
    expect(text.startsWith("import os\n\nimport requests\n")).toBe(true);
    expect(text).toContain('    "x-api-key": os.environ["ZEROGPU_API_KEY"],');
  });
  it("escapes the input as a string literal", () => {
    expect(buildSnippet("python", { ...base, input: 'a "b"\\c' })).toContain('"content": "a \\"b\\"\\\\c",');
  });
});

describe("javascript snippet", () => {
  it("posts with fetch", () => {
    const text = buildSnippet("javascript", { ...base, apiKey: "zgpu-secret" });
    expect(text).toContain('const url = "http://127.0.0.1:8000/v1/responses";');
    expect(text).toContain(`  'x-api-key': "zgpu-secret",`);
    expect(text).toContain("  body: JSON.stringify(payload)");
    expect(text).toContain(".then(data => console.log(data))");
  });
  it("reads the key from process.env when none is at hand", () => {
    expect(buildSnippet("javascript", base)).toContain("  'x-api-key': process.env.ZEROGPU_API_KEY,");
  });
});

describe("maskSecret", () => {
  it("keeps the prefix and the last four characters", () => {
    expect(maskSecret("zgpu-api-abcdefghijklmnopqrstuvwxyz")).toBe("zgpu-api-abc…wxyz");
  });
  it("hides short secrets entirely", () => {
    expect(maskSecret("short")).toBe("•••••");
  });
});
