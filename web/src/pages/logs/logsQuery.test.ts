import { describe, expect, it } from "vitest";
import {
  apiQuery,
  EMPTY_FILTERS,
  filtersToParams,
  fromLocalInput,
  logsHref,
  parseFilters,
  timeWindow,
  toLocalInput,
  validStatus,
} from "./logsQuery";

describe("validStatus", () => {
  it("accepts codes, classes and nothing", () => {
    for (const s of ["", "200", "404", "5xx", "2XX"]) expect(validStatus(s)).toBe(true);
  });
  it("refuses what the API refuses", () => {
    for (const s of ["6xx", "99", "abc", "1000", "x"]) expect(validStatus(s)).toBe(false);
  });
});

describe("URL round trip", () => {
  it("parses what it writes", () => {
    const filters = { ...EMPTY_FILTERS, status: "4xx", model: "m", key: "k", start: 100, end: 200, sort: "latency" as const };
    expect(parseFilters(filtersToParams(filters))).toEqual(filters);
  });
  it("leaves defaults out of the URL", () => {
    expect(filtersToParams(EMPTY_FILTERS).toString()).toBe("");
  });
  it("prefers a custom window over a preset", () => {
    const params = filtersToParams({ ...EMPTY_FILTERS, range: "7d", start: 5 });
    expect(params.get("range")).toBeNull();
    expect(params.get("start")).toBe("5");
  });
  it("drops malformed values", () => {
    const parsed = parseFilters(new URLSearchParams("status=9xx&range=2y&start=abc&sort=size&order=up"));
    expect(parsed).toEqual(EMPTY_FILTERS);
  });
});

describe("timeWindow / apiQuery", () => {
  it("resolves a preset against now", () => {
    expect(timeWindow({ ...EMPTY_FILTERS, range: "24h" }, 100_000.7)).toEqual({ start: 100_000 - 86400, end: null });
  });
  it("builds the API's parameters", () => {
    const filters = { ...EMPTY_FILTERS, status: "5xx", key: "abc", start: 10, end: 20 };
    expect(apiQuery(filters, 0, { limit: 50, after: "cur" })).toEqual({
      status: "5xx",
      model: undefined,
      api_key_id: "abc",
      start_time: 10,
      end_time: 20,
      sort: "time",
      order: "desc",
      limit: 50,
      after: "cur",
    });
  });
  it("omits paging for exports", () => {
    const query = apiQuery(EMPTY_FILTERS, 0);
    expect("limit" in query).toBe(false);
    expect("after" in query).toBe(false);
  });
});

describe("logsHref", () => {
  it("links to a time window", () => {
    expect(logsHref({ start: 3600, end: 7200 })).toBe("/logs?start=3600&end=7200");
    expect(logsHref({ start: 1, end: 2 }, { model: "m x" })).toBe("/logs?model=m+x&start=1&end=2");
  });
});

describe("datetime-local conversion", () => {
  it("round-trips minutes in local time", () => {
    const t = new Date(2026, 2, 11, 15, 12).getTime() / 1000;
    expect(toLocalInput(t)).toBe("2026-03-11T15:12");
    expect(fromLocalInput("2026-03-11T15:12")).toBe(t);
    expect(fromLocalInput("")).toBeNull();
    expect(toLocalInput(null)).toBe("");
  });
});
