// Logs: every request of the project, filtered (kept in the URL), sorted, paged by cursor, with a
// detail view per request and CSV / JSON Lines exports of the same selection.
import { useMemo, useState, type MouseEvent } from "react";
import { useSearchParams } from "react-router";
import { buildUrl, errorMessage } from "../../api/client";
import { useSession } from "../../app/session";
import { LoadState } from "../../components/LoadState";
import { PageHeader } from "../../components/PageHeader";
import { ProjectRequired } from "../../components/ProjectRequired";
import { formatDateTime, formatLatency, formatTokens } from "../../lib/format";
import { useAsync } from "../../lib/useAsync";
import { listModels } from "../dashboard/modelsApi";
import { listKeys, type ApiKey } from "../keys/keysApi";
import { LogDetail } from "./LogDetail";
import { LogFilterBar } from "./LogFilterBar";
import { downloadExport, listLogs, logsPath, type ExportFormat } from "./logsApi";
import { apiQuery, filtersToParams, parseFilters, type LogFilters } from "./logsQuery";
import { StatusBadge } from "./StatusBadge";
import "./logs.css";

const PAGE_SIZE = 50;

export default function LogsPage() {
  const session = useSession();
  const projectId = session.project?.id ?? null;
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => parseFilters(params), [params]);
  const filterKey = filtersToParams(filters).toString();
  const requestId = params.get("request");
  // Cursors of the pages seen so far for one selection: the last one is the page shown (null =
  // first page). A new selection (filters or project) starts again at the first page.
  const selection = `${projectId ?? ""}?${filterKey}`;
  const [paging, setPaging] = useState<{ selection: string; cursors: (string | null)[] }>({ selection, cursors: [null] });
  const cursors = paging.selection === selection ? paging.cursors : [null];
  const setCursors = (update: (current: (string | null)[]) => (string | null)[]) =>
    setPaging({ selection, cursors: update(cursors) });
  const [exportError, setExportError] = useState<string | null>(null);
  const cursor = cursors[cursors.length - 1] ?? null;

  const logs = useAsync(
    () =>
      projectId
        ? listLogs(projectId, apiQuery(filters, Date.now() / 1000, { limit: PAGE_SIZE, after: cursor }))
        : Promise.resolve(null),
    [projectId, filterKey, cursor],
  );
  const keys = useAsync(() => (projectId ? listKeys(projectId) : Promise.resolve([] as ApiKey[])), [projectId]);
  const models = useAsync(() => listModels(), []);

  const keyName = (id: string | null): string => {
    if (!id) return "—";
    const key = keys.data?.find((k) => k.id === id);
    return key ? key.name : `${id.slice(0, 8)}…`;
  };

  const update = (next: LogFilters) => setParams(filtersToParams(next));
  const openDetail = (id: string | null) => {
    const next = new URLSearchParams(params);
    if (id) next.set("request", id);
    else next.delete("request");
    setParams(next, { replace: true });
  };

  if (!projectId) {
    return <ProjectRequired title="Logs" reason="logs belong to a project" />;
  }

  const exportQuery = apiQuery(filters, Date.now() / 1000);
  const exportHref = (format: ExportFormat) => buildUrl(`${logsPath(projectId)}/export`, { ...exportQuery, format });
  const onExport = (format: ExportFormat) => (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    setExportError(null);
    downloadExport(projectId, exportQuery, format).catch((exc: unknown) => setExportError(errorMessage(exc)));
  };
  const rows = logs.data?.data ?? [];
  const filtered = filterKey !== "";

  return (
    <>
      <PageHeader
        title="Logs"
        subtitle="Every request of this project: model, status, latency, time."
        actions={
          <>
            <a className="button secondary small" href={exportHref("csv")} onClick={onExport("csv")} download>
              Export CSV
            </a>
            <a className="button secondary small" href={exportHref("jsonl")} onClick={onExport("jsonl")} download>
              Export JSONL
            </a>
          </>
        }
      />
      <LogFilterBar
        filters={filters}
        models={(models.data ?? []).map((m) => m.id)}
        keys={keys.data ?? []}
        onChange={update}
      />
      {exportError ? (
        <p className="notice error" role="alert">
          Export failed: {exportError}
        </p>
      ) : null}
      <LoadState
        loading={logs.loading && !logs.data}
        error={logs.error}
        empty={rows.length === 0 && cursors.length === 1}
        emptyText={
          filtered
            ? "No requests match these filters."
            : "No requests yet. Send one with the snippet on the Dashboard and it appears here."
        }
      >
        <div className="table-wrap" aria-busy={logs.loading}>
          <table className="logs-table stack-table">
            <caption className="visually-hidden">Requests</caption>
            <thead>
              <tr>
                <th scope="col" aria-sort={filters.sort === "time" ? (filters.order === "asc" ? "ascending" : "descending") : undefined}>
                  Time
                </th>
                <th scope="col">Model</th>
                <th scope="col">Status</th>
                <th
                  scope="col"
                  className="num"
                  aria-sort={filters.sort === "latency" ? (filters.order === "asc" ? "ascending" : "descending") : undefined}
                >
                  Latency
                </th>
                <th scope="col">Key</th>
                <th scope="col" className="num">
                  Tokens (in / out)
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id} className="clickable" onClick={() => openDetail(row.id)}>
                  <td className="time" data-label="Time">
                    <button
                      type="button"
                      aria-label={`Details of request ${row.id}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        openDetail(row.id);
                      }}
                    >
                      {formatDateTime(row.created_at)}
                    </button>
                  </td>
                  <td className="wide" data-label="Model">{row.model || "—"}</td>
                  <td data-label="Status">
                    <StatusBadge status={row.status} />
                  </td>
                  <td className="num" data-label="Latency">
                    {formatLatency(row.latency_ms)}
                  </td>
                  <td data-label="Key">{keyName(row.api_key_id)}</td>
                  <td className="num" data-label="Tokens">
                    {formatTokens(row.input_tokens)} / {formatTokens(row.output_tokens)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length === 0 ? <p className="notice muted">No more requests.</p> : null}
        </div>
        <nav className="logs-toolbar" aria-label="Pages">
          <span className="muted">
            Page {cursors.length}
            {logs.loading ? " · loading…" : ""}
          </span>
          <div className="group">
            <button
              type="button"
              className="button secondary small"
              disabled={cursors.length === 1 || logs.loading}
              onClick={() => setCursors((c) => c.slice(0, -1))}
            >
              Previous page
            </button>
            <button
              type="button"
              className="button secondary small"
              disabled={!logs.data?.has_more || logs.loading}
              onClick={() => setCursors((c) => [...c, logs.data?.next_cursor ?? null])}
            >
              Next page
            </button>
            <button type="button" className="button secondary small" onClick={logs.reload}>
              Refresh
            </button>
          </div>
        </nav>
      </LoadState>
      <LogDetail projectId={projectId} requestId={requestId} keyName={keyName} onClose={() => openDetail(null)} />
    </>
  );
}
