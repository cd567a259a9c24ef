// The ready-to-copy request of the Dashboard, in the shapes of the API reference's examples
// (cURL, Python with requests, JavaScript with fetch). Pure text generation, unit-tested.

export type SnippetLanguage = "curl" | "python" | "javascript";

export const SNIPPET_LANGUAGES: { id: SnippetLanguage; label: string }[] = [
  { id: "curl", label: "cURL" },
  { id: "python", label: "Python" },
  { id: "javascript", label: "JavaScript" },
];

/** The environment variable the snippet reads when no key secret is at hand. */
export const KEY_ENV = "ZEROGPU_API_KEY";

export const DEFAULT_INPUT = "Your input text here...";

export interface SnippetInput {
  /** The server's origin, e.g. `https://zgpu.example.com` (no trailing slash needed). */
  baseUrl: string;
  projectId: string;
  model: string;
  /** A key secret to embed; null to read it from `$ZEROGPU_API_KEY` instead. */
  apiKey: string | null;
  /** The user message; the docs' placeholder by default. */
  input?: string;
}

/** `https://host/` → `https://host/v1/responses`. */
export function responsesUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/v1/responses`;
}

// Single-quoted shell string: close, escaped quote, reopen.
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A string literal valid in Python and JavaScript (JSON's escaping is a subset of both). */
function literal(text: string): string {
  return JSON.stringify(text);
}

function curl(s: Required<SnippetInput>): string {
  const body = JSON.stringify(
    { model: s.model, input: [{ role: "user", content: s.input }], text: { format: { type: "text" } } },
    null,
    2,
  );
  // With an env var the header must be double-quoted so the shell expands it.
  const keyHeader = s.apiKey === null ? `"x-api-key: $${KEY_ENV}"` : shellQuote(`x-api-key: ${s.apiKey}`);
  return [
    `curl --location ${shellQuote(responsesUrl(s.baseUrl))} \\`,
    `--header 'content-type: application/json' \\`,
    `--header ${keyHeader} \\`,
    `--header ${shellQuote(`x-project-id: ${s.projectId}`)} \\`,
    `--data ${shellQuote(body)}`,
  ].join("\n");
}

function python(s: Required<SnippetInput>): string {
  const key = s.apiKey === null ? `os.environ[${literal(KEY_ENV)}]` : literal(s.apiKey);
  return [
    ...(s.apiKey === null ? ["import os", ""] : []),
    "import requests",
    "",
    `url = ${literal(responsesUrl(s.baseUrl))}`,
    "headers = {",
    `    "content-type": "application/json",`,
    `    "x-api-key": ${key},`,
    `    "x-project-id": ${literal(s.projectId)},`,
    "}",
    "payload = {",
    `    "model": ${literal(s.model)},`,
    `    "input": [`,
    "        {",
    `            "role": "user",`,
    `            "content": ${literal(s.input)},`,
    "        }",
    "    ],",
    `    "text": {`,
    `        "format": {`,
    `            "type": "text"`,
    "        }",
    "    },",
    "}",
    "",
    "response = requests.post(url, headers=headers, json=payload)",
    "print(response.json())",
  ].join("\n");
}

function javascript(s: Required<SnippetInput>): string {
  const key = s.apiKey === null ? `process.env.${KEY_ENV}` : literal(s.apiKey);
  return [
    `const url = ${literal(responsesUrl(s.baseUrl))};`,
    "const headers = {",
    `  'content-type': 'application/json',`,
    `  'x-api-key': ${key},`,
    `  'x-project-id': ${literal(s.projectId)}`,
    "};",
    "const payload = {",
    `  model: ${literal(s.model)},`,
    "  input: [",
    "    {",
    "      role: 'user',",
    `      content: ${literal(s.input)}`,
    "    }",
    "  ],",
    "  text: {",
    "    format: {",
    "      type: 'text'",
    "    }",
    "  }",
    "};",
    "",
    "fetch(url, {",
    "  method: 'POST',",
    "  headers,",
    "  body: JSON.stringify(payload)",
    "})",
    "  .then(response => response.json())",
    "  .then(data => console.log(data))",
    "  .catch(error => console.error('Error:', error));",
  ].join("\n");
}

/** The request snippet in `language`, filled with the server URL, project, model and key. */
export function buildSnippet(language: SnippetLanguage, input: SnippetInput): string {
  const full: Required<SnippetInput> = { ...input, input: input.input ?? DEFAULT_INPUT };
  switch (language) {
    case "curl":
      return curl(full);
    case "python":
      return python(full);
    case "javascript":
      return javascript(full);
  }
}

/** A key shown masked: `zgpu-api-abcd…wxyz` keeps its prefix and last four characters. */
export function maskSecret(secret: string): string {
  if (secret.length <= 16) return "•".repeat(secret.length);
  return `${secret.slice(0, 12)}…${secret.slice(-4)}`;
}
