// The billing history page's filters as the API's query, and how a line is shown.
import type { HistoryEntry, HistoryKind } from "./types";

export interface HistoryFilters {
  /** "" for every kind. */
  kind: HistoryKind | "";
  /** "YYYY-MM-DD" (local day) or "". */
  from: string;
  /** "YYYY-MM-DD" (local day, inclusive) or "". */
  to: string;
}

export const KIND_LABELS: Record<HistoryKind, string> = {
  credit: "Credit",
  auto_recharge: "Auto recharge",
  usage: "Usage",
  refund: "Refund",
  adjustment: "Adjustment",
};

/** Unix seconds of local midnight starting `day` ("YYYY-MM-DD"); null when it is not a date. */
export function dayStart(day: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(date.getTime()) ? null : Math.floor(date.getTime() / 1000);
}

/**
 * The query of `GET /v1/organization/billing/history` for these filters: `kind`,
 * `start_time` (start of `from`), `end_time` (end of `to`, inclusive of that whole day), `limit`, `after`.
 */
export function historyQuery(filters: HistoryFilters, limit: number, after: string | null = null): Record<string, string | number> {
  const query: Record<string, string | number> = { limit };
  if (filters.kind) query.kind = filters.kind;
  const start = dayStart(filters.from);
  if (start !== null) query.start_time = start;
  const end = dayStart(filters.to);
  if (end !== null) {
    const next = new Date(end * 1000);
    next.setDate(next.getDate() + 1);
    query.end_time = Math.floor(next.getTime() / 1000) - 1;
  }
  if (after) query.after = after;
  return query;
}

/** The badge class of a status: succeeded/settled ok, pending warn, failed error. */
export function statusTone(status: string): "ok" | "warn" | "error" | "" {
  if (status === "succeeded" || status === "settled") return "ok";
  if (status === "pending") return "warn";
  if (status === "failed") return "error";
  return "";
}

/** "Succeeded", "Pending" … */
export function statusLabel(status: string): string {
  return status ? status.charAt(0).toUpperCase() + status.slice(1).replace(/_/g, " ") : status;
}

/** Whether the line's amount moved money (failed charges did not: shown struck through). */
export function moved(entry: Pick<HistoryEntry, "counted">): boolean {
  return entry.counted;
}
