// The Logs page's filters, kept in the page URL (so Usage can link to a time window and a
// filtered view survives reload) and turned into the management API's query parameters.

export type SortKey = "time" | "latency";
export type SortOrder = "asc" | "desc";
export type RangePreset = "1h" | "24h" | "7d" | "30d";

export const RANGE_PRESETS: { id: RangePreset; label: string; seconds: number }[] = [
  { id: "1h", label: "Last hour", seconds: 3600 },
  { id: "24h", label: "Last 24 hours", seconds: 86400 },
  { id: "7d", label: "Last 7 days", seconds: 7 * 86400 },
  { id: "30d", label: "Last 30 days", seconds: 30 * 86400 },
];

export interface LogFilters {
  /** A code ("404") or a class ("4xx"); empty for any. */
  status: string;
  model: string;
  /** An API key id; empty for any. */
  key: string;
  /** A preset window ending now; ignored when `start` is set. */
  range: RangePreset | null;
  /** Custom window, Unix seconds: start inclusive, end exclusive. */
  start: number | null;
  end: number | null;
  sort: SortKey;
  order: SortOrder;
}

export const EMPTY_FILTERS: LogFilters = {
  status: "",
  model: "",
  key: "",
  range: null,
  start: null,
  end: null,
  sort: "time",
  order: "desc",
};

const STATUS_RE = /^([1-5]xx|[1-5]\d\d)$/;

/** Whether `status` is something the API accepts: empty, a code 100-599 or a class 1xx-5xx. */
export function validStatus(status: string): boolean {
  return status === "" || STATUS_RE.test(status.trim().toLowerCase());
}

function int(value: string | null): number | null {
  if (value === null || !/^\d+$/.test(value)) return null;
  return Number(value);
}

/** Filters from the page URL; unknown or malformed values fall back to "any". */
export function parseFilters(params: URLSearchParams): LogFilters {
  const status = (params.get("status") ?? "").trim().toLowerCase();
  const range = params.get("range");
  const sort = params.get("sort");
  const order = params.get("order");
  return {
    status: validStatus(status) ? status : "",
    model: params.get("model") ?? "",
    key: params.get("key") ?? "",
    range: RANGE_PRESETS.some((p) => p.id === range) ? (range as RangePreset) : null,
    start: int(params.get("start")),
    end: int(params.get("end")),
    sort: sort === "latency" ? "latency" : "time",
    order: order === "asc" ? "asc" : "desc",
  };
}

/** The page URL's query for `filters` (defaults left out, so a plain /logs stays plain). */
export function filtersToParams(filters: LogFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.status) params.set("status", filters.status);
  if (filters.model) params.set("model", filters.model);
  if (filters.key) params.set("key", filters.key);
  if (filters.start !== null) {
    params.set("start", String(filters.start));
    if (filters.end !== null) params.set("end", String(filters.end));
  } else if (filters.range) {
    params.set("range", filters.range);
  }
  if (filters.sort !== "time") params.set("sort", filters.sort);
  if (filters.order !== "desc") params.set("order", filters.order);
  return params;
}

/** The time window `[start, end)` the filters select at `nowSeconds`, either end open. */
export function timeWindow(filters: LogFilters, nowSeconds: number): { start: number | null; end: number | null } {
  if (filters.start !== null) return { start: filters.start, end: filters.end };
  const preset = RANGE_PRESETS.find((p) => p.id === filters.range);
  if (preset) return { start: Math.floor(nowSeconds) - preset.seconds, end: null };
  return { start: null, end: null };
}

export type ApiQuery = Record<string, string | number | undefined>;

/** Query parameters of `GET .../logs` (and, without limit/after, of `.../logs/export`). */
export function apiQuery(filters: LogFilters, nowSeconds: number, page?: { limit: number; after: string | null }): ApiQuery {
  const { start, end } = timeWindow(filters, nowSeconds);
  const query: ApiQuery = {
    status: filters.status || undefined,
    model: filters.model || undefined,
    api_key_id: filters.key || undefined,
    start_time: start ?? undefined,
    end_time: end ?? undefined,
    sort: filters.sort,
    order: filters.order,
  };
  if (page) {
    query.limit = page.limit;
    if (page.after) query.after = page.after;
  }
  return query;
}

/** The Logs page address for a time window (what Usage links to when a bar is clicked). */
export function logsHref(window: { start: number; end: number }, extra: Partial<LogFilters> = {}): string {
  const params = filtersToParams({ ...EMPTY_FILTERS, ...extra, start: window.start, end: window.end });
  return `/logs?${params.toString()}`;
}

/** `datetime-local` input value ("2026-03-11T15:12") for Unix seconds, in local time. */
export function toLocalInput(unixSeconds: number | null): string {
  if (unixSeconds === null) return "";
  const d = new Date(unixSeconds * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Unix seconds for a `datetime-local` input value (local time); null when empty or invalid. */
export function fromLocalInput(value: string): number | null {
  if (!value) return null;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
}
