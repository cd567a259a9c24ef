// A project's request logs over the management API.
import { api, apiText } from "../../api/client";
import type { ApiQuery } from "./logsQuery";

export interface RequestLog {
  object: "request_log";
  /** The request id (`x-request-id`). */
  id: string;
  created_at: number;
  /** ISO 8601 with microseconds, UTC. */
  timestamp: string;
  model: string;
  status: number;
  error_code: string | null;
  latency_ms: number;
  input_tokens: number;
  output_tokens: number;
  api_key_id: string | null;
  served_by: string | null;
  route: string | null;
  region: string | null;
}

export interface LogPage {
  object: "list";
  data: RequestLog[];
  has_more: boolean;
  next_cursor: string | null;
}

export type ExportFormat = "csv" | "jsonl";

export const logsPath = (projectId: string) => `/v1/organization/projects/${encodeURIComponent(projectId)}/logs`;

export function listLogs(projectId: string, query: ApiQuery, signal?: AbortSignal): Promise<LogPage> {
  return api<LogPage>("GET", logsPath(projectId), { query, signal });
}

export function getLog(projectId: string, requestId: string): Promise<RequestLog> {
  return api<RequestLog>("GET", `${logsPath(projectId)}/${encodeURIComponent(requestId)}`);
}

/** Download the matching logs as a file (fetched with the organization header, then saved). */
export async function downloadExport(projectId: string, query: ApiQuery, format: ExportFormat): Promise<void> {
  const text = await apiText(`${logsPath(projectId)}/export`, { query: { ...query, format } });
  const type = format === "csv" ? "text/csv" : "application/x-ndjson";
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = `logs-${projectId}.${format}`;
  document.body.appendChild(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
