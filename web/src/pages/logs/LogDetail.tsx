// One request in full, in a dialog: its request id first (what support asks for).
import { CopyButton } from "../../components/CopyButton";
import { Dialog } from "../../components/Dialog";
import { LoadState } from "../../components/LoadState";
import { formatDateTime, formatLatency } from "../../lib/format";
import { useAsync } from "../../lib/useAsync";
import { getLog } from "./logsApi";
import { StatusBadge } from "./StatusBadge";

export function LogDetail({
  projectId,
  requestId,
  keyName,
  onClose,
}: {
  projectId: string;
  requestId: string | null;
  keyName: (id: string | null) => string;
  onClose: () => void;
}) {
  const log = useAsync(() => (requestId ? getLog(projectId, requestId) : Promise.resolve(null)), [projectId, requestId]);
  const row = log.data && log.data.id === requestId ? log.data : null;
  return (
    <Dialog open={requestId !== null} title="Request details" onClose={onClose}>
      <LoadState loading={!row && !log.error} error={log.error}>
        {row ? (
          <dl className="detail">
            <dt>Request ID</dt>
            <dd className="with-copy">
              <code>{row.id}</code>
              <CopyButton text={row.id} label="Copy ID" />
            </dd>
            <dt>Time</dt>
            <dd>
              {formatDateTime(row.created_at)} <span className="muted">({row.timestamp})</span>
            </dd>
            <dt>Model</dt>
            <dd>{row.model || "—"}</dd>
            <dt>Status</dt>
            <dd>
              <StatusBadge status={row.status} /> {row.error_code ? <code>{row.error_code}</code> : null}
            </dd>
            <dt>Latency</dt>
            <dd>{formatLatency(row.latency_ms)}</dd>
            <dt>Tokens</dt>
            <dd>
              {row.input_tokens.toLocaleString("en-US")} in · {row.output_tokens.toLocaleString("en-US")} out
            </dd>
            <dt>API key</dt>
            <dd>{keyName(row.api_key_id)}</dd>
            <dt>Served by</dt>
            <dd>
              {row.served_by ?? "—"}
              {row.route ? ` · ${row.route}` : ""}
              {row.region ? ` · ${row.region}` : ""}
            </dd>
          </dl>
        ) : null}
      </LoadState>
    </Dialog>
  );
}
