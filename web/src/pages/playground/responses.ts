// The playground's side of `POST /v1/responses`: the request body, the answer's text and usage,
// and failures in words. Pure functions, so the page only wires them to fetch.

export interface ResponseUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
}

/** The Responses object, as far as the playground reads it. */
export interface ResponseObject {
  id: string;
  object: "response";
  model: string;
  output: { type: string; role: string; content: { type: string; text: string }[] }[];
  usage: ResponseUsage;
}

/** What one playground run shows. */
export interface RunResult {
  text: string;
  usage: ResponseUsage;
  model: string;
  requestId: string | null;
  latencyMs: number;
}

/** The request body for one user message, in the public API's shape. */
export function responseBody(model: string, text: string): object {
  return {
    model,
    input: [{ role: "user", content: text }],
    text: { format: { type: "text" } },
  };
}

/** The text of every output_text part, joined (an answer has one in practice). */
export function outputText(response: ResponseObject): string {
  return response.output
    .flatMap((message) => message.content)
    .filter((part) => part.type === "output_text")
    .map((part) => part.text)
    .join("\n");
}

/**
 * Words for a failed call, from the HTTP status and the server's error body (`{error:{message,code}}`).
 * The server's message is kept; the playground adds what to do about it.
 */
export function runErrorWords(status: number, serverMessage: string | null, code: string | null): string {
  const said = serverMessage ? ` (${serverMessage.replace(/\.$/, "")}.)` : "";
  if (status === 0) return "The server could not be reached. Check your connection and try again.";
  if (status === 401) {
    return `The playground key was not accepted: it may have been revoked. Create a new playground key and try again.${said}`;
  }
  if (status === 402 || code === "insufficient_quota") {
    return `Your organization is out of credit. Add to your credit balance on the Billing page, then try again.${said}`;
  }
  if (status === 420 || code === "context_length_exceeded") {
    return `The text is too long for this model. Shorten it or split it into parts.${said}`;
  }
  if (status === 403) return `This key may not be used with this project.${said}`;
  if (status === 429) return `Too many requests right now. Wait a moment and try again.${said}`;
  if (status >= 500) return `The server failed to answer. Try again in a moment.${said}`;
  return serverMessage ?? `The request failed with status ${status}.`;
}
