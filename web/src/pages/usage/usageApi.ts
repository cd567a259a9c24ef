// Usage analytics over the management API (rollups: fast at any log volume).
import { api } from "../../api/client";
import type { BucketWidth, UsageBucket, UsageResult } from "./usageRange";

export interface UsageSummary {
  start_time: number;
  end_time: number;
  totals: UsageResult;
  results: UsageResult[];
}

export function getSummary(query: Record<string, string | number>): Promise<UsageSummary> {
  return api<UsageSummary>("GET", "/v1/organization/usage/summary", { query: { ...query, group_by: "model" } });
}

export async function getSeries(query: Record<string, string | number>, width: BucketWidth): Promise<UsageBucket[]> {
  const page = await api<{ data: UsageBucket[] }>("GET", "/v1/organization/usage", {
    query: { ...query, bucket_width: width },
  });
  return page.data;
}
