// The one way the dashboard talks to the server: JSON over fetch, session cookie, CSRF header,
// organization header, and errors turned into `ApiError` with the server's message.

export interface ErrorBody {
  error?: { message?: string; type?: string; code?: string | null; param?: string | null };
}

/** A non-2xx answer (or a network failure, `status` 0), with the server's words. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | null;
  readonly param: string | null;

  constructor(status: number, message: string, code: string | null = null, param: string | null = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.param = param;
  }
}

export type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export interface RequestOptions {
  body?: unknown;
  /** Query parameters; `undefined` and empty values are left out. */
  query?: Record<string, string | number | boolean | undefined | null>;
  /** Extra headers (e.g. `x-api-key` for the playground). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

const CSRF_COOKIE = "zgpu_csrf";

let organizationId: string | null = null;

/** The organization every management call acts in (sent as `x-organization-id`). */
export function setOrganization(id: string | null): void {
  organizationId = id;
}

function csrfToken(): string | null {
  for (const part of document.cookie.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === CSRF_COOKIE) return decodeURIComponent(rest.join("="));
  }
  return null;
}

export function buildUrl(path: string, query?: RequestOptions["query"]): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === "") continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function failure(response: Response): Promise<ApiError> {
  let body: ErrorBody = {};
  try {
    body = (await response.json()) as ErrorBody;
  } catch {
    // not JSON: fall through to the status text
  }
  const err = body.error ?? {};
  const message = err.message || `${response.status} ${response.statusText || "error"}`;
  return new ApiError(response.status, message, err.code ?? null, err.param ?? null);
}

/** Send one request; resolves to the parsed JSON body (or `undefined` for 204). */
export async function api<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json", ...options.headers };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET") {
    const token = csrfToken();
    if (token) headers["x-csrf-token"] = token;
  }
  if (organizationId && !("x-organization-id" in headers)) headers["x-organization-id"] = organizationId;
  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      credentials: "same-origin",
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (exc) {
    if (exc instanceof DOMException && exc.name === "AbortError") throw exc;
    throw new ApiError(0, "The server could not be reached. Check your connection and try again.");
  }
  if (!response.ok) throw await failure(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** Same as `api` but returns the raw response text (CSV/JSONL exports). */
export async function apiText(path: string, options: RequestOptions = {}): Promise<string> {
  const headers: Record<string, string> = { ...options.headers };
  if (organizationId) headers["x-organization-id"] = organizationId;
  const response = await fetch(buildUrl(path, options.query), { headers, credentials: "same-origin" });
  if (!response.ok) throw await failure(response);
  return response.text();
}

/** Words for any error a page caught. */
export function errorMessage(exc: unknown): string {
  if (exc instanceof ApiError) return exc.message;
  if (exc instanceof Error) return exc.message;
  return String(exc);
}
