import { describe, expect, it } from "vitest";
import {
  axisLabel,
  bucketName,
  bucketWidth,
  chartData,
  mergeBuckets,
  mergeFactor,
  DEFAULT_RANGE,
  parseRange,
  rangeSpan,
  rangeToParams,
  usageQuery,
} from "./usageRange";

describe("range in the URL", () => {
  it("defaults to 7 days", () => {
    expect(parseRange(new URLSearchParams())).toEqual(DEFAULT_RANGE);
    expect(parseRange(new URLSearchParams("range=1y"))).toEqual(DEFAULT_RANGE);
    expect(rangeToParams(DEFAULT_RANGE).toString()).toBe("");
  });
  it("round-trips presets and custom windows", () => {
    for (const range of [
      { kind: "preset", preset: "1d" } as const,
      { kind: "preset", preset: "30d" } as const,
      { kind: "custom", start: 100, end: 200 } as const,
    ]) {
      expect(parseRange(rangeToParams(range))).toEqual(range);
    }
  });
  it("refuses an empty or reversed custom window", () => {
    expect(parseRange(new URLSearchParams("start=200&end=100"))).toEqual(DEFAULT_RANGE);
    expect(parseRange(new URLSearchParams("start=x&end=100"))).toEqual(DEFAULT_RANGE);
  });
});

describe("rangeSpan / bucketWidth / usageQuery", () => {
  it("ends a preset now", () => {
    expect(rangeSpan({ kind: "preset", preset: "1d" }, 1_000_000.5)).toEqual({ start: 1_000_000 - 86400, end: 1_000_000 });
  });
  it("picks a width giving a readable number of bars", () => {
    expect(bucketWidth(3600)).toBe("1m");
    expect(bucketWidth(86400)).toBe("1h");
    expect(bucketWidth(7 * 86400)).toBe("1h");
    expect(bucketWidth(30 * 86400)).toBe("1d");
  });
  it("asks the API for the project and the range", () => {
    expect(usageQuery({ kind: "preset", preset: "30d" }, "p")).toEqual({ project_ids: "p", range: "30d" });
    expect(usageQuery({ kind: "custom", start: 1, end: 2 }, "p")).toEqual({ project_ids: "p", start_time: 1, end_time: 2 });
  });
});

describe("labels", () => {
  const t = new Date(2026, 2, 11, 15, 0).getTime() / 1000;
  it("labels hours and days", () => {
    expect(axisLabel(t, "1h")).toBe("15:00");
    expect(axisLabel(t, "1d")).toBe("03-11");
    expect(axisLabel(t, "1h", true)).toBe("03-11 15:00");
    expect(bucketName(t, t + 3600, "1h")).toBe("2026-03-11 15:00–16:00");
    expect(bucketName(t, t + 86400, "1d")).toBe("2026-03-11");
  });
});

describe("chartData", () => {
  it("adds up the results of each bucket", () => {
    const r = (n: number, e: number, i: number, o: number) => ({
      num_model_requests: n,
      errors: e,
      input_tokens: i,
      output_tokens: o,
      average_latency_ms: null,
      model: null,
    });
    const data = chartData([
      { start_time: 0, end_time: 60, results: [r(2, 1, 10, 20), r(3, 0, 5, 5)] },
      { start_time: 60, end_time: 120, results: [] },
    ]);
    expect(data).toEqual({
      starts: [0, 60],
      ends: [60, 120],
      requests: [5, 0],
      errors: [1, 0],
      inputTokens: [15, 0],
      outputTokens: [25, 0],
    });
  });
});

describe("mergeBuckets / mergeFactor", () => {
  const bucket = (start: number, n: number) => ({
    start_time: start,
    end_time: start + 3600,
    results: n ? [{ num_model_requests: n, errors: 0, input_tokens: n, output_tokens: 0, average_latency_ms: null, model: null }] : [],
  });
  it("keeps short series as they are", () => {
    expect(mergeFactor(24)).toBe(1);
    expect(mergeFactor(60)).toBe(1);
  });
  it("merges long series into at most 60 bars", () => {
    expect(mergeFactor(168)).toBe(3);
    expect(Math.ceil(168 / mergeFactor(168))).toBeLessThanOrEqual(60);
    expect(mergeFactor(1440)).toBe(24);
  });
  it("spans and sums the merged buckets, the last one possibly shorter", () => {
    const hours = [bucket(0, 1), bucket(3600, 2), bucket(7200, 0), bucket(10800, 4), bucket(14400, 5)];
    const merged = mergeBuckets(hours, 2);
    expect(merged.map((b) => [b.start_time, b.end_time])).toEqual([
      [0, 7200],
      [7200, 14400],
      [14400, 18000],
    ]);
    expect(chartData(merged).requests).toEqual([3, 4, 5]);
  });
});
