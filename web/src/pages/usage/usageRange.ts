// The Usage page's time range (kept in the URL), the bucket width that suits it, and the
// arithmetic that turns the API's buckets into chart series.

export type Preset = "1d" | "7d" | "30d";
export type BucketWidth = "1m" | "1h" | "1d";

export const PRESETS: { id: Preset; label: string; seconds: number }[] = [
  { id: "1d", label: "1 day", seconds: 86400 },
  { id: "7d", label: "7 days", seconds: 7 * 86400 },
  { id: "30d", label: "30 days", seconds: 30 * 86400 },
];

export type UsageRange = { kind: "preset"; preset: Preset } | { kind: "custom"; start: number; end: number };

const DEFAULT_PRESET: Preset = "7d";
export const DEFAULT_RANGE: UsageRange = { kind: "preset", preset: DEFAULT_PRESET };

const WIDTH_SECONDS: Record<BucketWidth, number> = { "1m": 60, "1h": 3600, "1d": 86400 };

/** The range in the page URL (`?range=7d` or `?start=…&end=…`); 7 days when absent or malformed. */
export function parseRange(params: URLSearchParams): UsageRange {
  const start = Number(params.get("start"));
  const end = Number(params.get("end"));
  if (params.has("start") && params.has("end") && Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end > start) {
    return { kind: "custom", start, end };
  }
  const preset = PRESETS.find((p) => p.id === params.get("range"));
  return preset ? { kind: "preset", preset: preset.id } : DEFAULT_RANGE;
}

export function rangeToParams(range: UsageRange): URLSearchParams {
  if (range.kind === "custom") return new URLSearchParams({ start: String(range.start), end: String(range.end) });
  return new URLSearchParams(range.preset === DEFAULT_PRESET ? {} : { range: range.preset });
}

/** `[start, end)` in Unix seconds at `nowSeconds`. */
export function rangeSpan(range: UsageRange, nowSeconds: number): { start: number; end: number } {
  if (range.kind === "custom") return { start: range.start, end: range.end };
  const seconds = PRESETS.find((p) => p.id === range.preset)?.seconds ?? 7 * 86400;
  const end = Math.floor(nowSeconds);
  return { start: end - seconds, end };
}

/** Minutes up to 3 hours, hours up to 8 days, days beyond: 24-200 bars for the presets. */
export function bucketWidth(spanSeconds: number): BucketWidth {
  if (spanSeconds <= 3 * 3600) return "1m";
  if (spanSeconds <= 8 * 86400) return "1h";
  return "1d";
}

export function widthSeconds(width: BucketWidth): number {
  return WIDTH_SECONDS[width];
}

/** Query parameters for `GET /v1/organization/usage[/summary]` of one project. */
export function usageQuery(range: UsageRange, projectId: string): Record<string, string | number> {
  const base: Record<string, string | number> = { project_ids: projectId };
  if (range.kind === "custom") return { ...base, start_time: range.start, end_time: range.end };
  return { ...base, range: range.preset };
}

const pad = (n: number) => String(n).padStart(2, "0");

/** An x-axis label for a bucket starting at `unixSeconds` (local time); `withDate` adds the
 * day to hour and minute labels (ranges of several days). */
export function axisLabel(unixSeconds: number, width: BucketWidth, withDate = false): string {
  const d = new Date(unixSeconds * 1000);
  const date = `${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  if (width === "1d") return date;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return withDate ? `${date} ${time}` : time;
}

/** A longer name of a bucket, for tooltips and screen readers. */
export function bucketName(start: number, end: number, width: BucketWidth): string {
  const s = new Date(start * 1000);
  const date = `${s.getFullYear()}-${pad(s.getMonth() + 1)}-${pad(s.getDate())}`;
  if (width === "1d") return date;
  const e = new Date(end * 1000);
  return `${date} ${pad(s.getHours())}:${pad(s.getMinutes())}–${pad(e.getHours())}:${pad(e.getMinutes())}`;
}

export interface UsageResult {
  num_model_requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  average_latency_ms: number | null;
  model: string | null;
}

export interface UsageBucket {
  start_time: number;
  end_time: number;
  results: UsageResult[];
}

/** The most bars a chart draws; finer series are merged (e.g. 168 hours → 42 four-hour bars). */
export const MAX_BARS = 60;

/** Merge every `factor` consecutive buckets into one (their results concatenated). */
export function mergeBuckets(buckets: UsageBucket[], factor: number): UsageBucket[] {
  if (factor <= 1) return buckets;
  const merged: UsageBucket[] = [];
  for (let i = 0; i < buckets.length; i += factor) {
    const group = buckets.slice(i, i + factor);
    merged.push({
      start_time: group[0]!.start_time,
      end_time: group[group.length - 1]!.end_time,
      results: group.flatMap((b) => b.results),
    });
  }
  return merged;
}

/** How many buckets to merge so that `count` buckets make at most `max` bars. */
export function mergeFactor(count: number, max: number = MAX_BARS): number {
  return count <= max ? 1 : Math.ceil(count / max);
}

export interface ChartData {
  starts: number[];
  ends: number[];
  requests: number[];
  errors: number[];
  inputTokens: number[];
  outputTokens: number[];
}

/** Per-bucket sums of the API's buckets (results of a bucket are added up). */
export function chartData(buckets: UsageBucket[]): ChartData {
  const data: ChartData = { starts: [], ends: [], requests: [], errors: [], inputTokens: [], outputTokens: [] };
  for (const bucket of buckets) {
    let requests = 0;
    let errors = 0;
    let input = 0;
    let output = 0;
    for (const r of bucket.results) {
      requests += r.num_model_requests;
      errors += r.errors;
      input += r.input_tokens;
      output += r.output_tokens;
    }
    data.starts.push(bucket.start_time);
    data.ends.push(bucket.end_time);
    data.requests.push(requests);
    data.errors.push(errors);
    data.inputTokens.push(input);
    data.outputTokens.push(output);
  }
  return data;
}
