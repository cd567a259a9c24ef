// Nodes: the organization's edge nodes on a world map and in a table, enrollment tokens, and
// revoking a node. nodes.read to see; nodes.manage to enroll and revoke.
import { useState } from "react";
import { api } from "../../api/client";
import { useSession } from "../../app/session";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { LoadState } from "../../components/LoadState";
import { WorldMap, type MapMarker } from "../../components/map/WorldMap";
import { PageHeader } from "../../components/PageHeader";
import { formatDateTime } from "../../lib/format";
import { useAsync } from "../../lib/useAsync";
import { EnrollDialog } from "./EnrollDialog";
import { mapLabel, STATUS_COLORS, STATUS_LABELS, statusCounts, type EdgeNode, type NodeToken } from "./nodes";
import { NodesTable } from "./NodesTable";
import "./nodes.css";

export default function NodesPage() {
  const session = useSession();
  const orgId = session.organization?.id ?? null;
  const canManage = session.can("nodes.manage");
  const nodes = useAsync(() => api<{ data: EdgeNode[] }>("GET", "/v1/organization/nodes").then((r) => r.data), [orgId]);
  const tokens = useAsync(
    () => (canManage ? api<{ data: NodeToken[] }>("GET", "/v1/organization/nodes/tokens").then((r) => r.data) : Promise.resolve([])),
    [orgId, canManage],
  );
  const [enrolling, setEnrolling] = useState(false);
  const [revoking, setRevoking] = useState<EdgeNode | null>(null);

  const list = nodes.data ?? [];
  const markers: MapMarker[] = list
    .filter((n) => n.lat !== null && n.lon !== null)
    .map((n) => ({
      id: n.id,
      lat: n.lat ?? 0,
      lon: n.lon ?? 0,
      color: STATUS_COLORS[n.status],
      label: `${n.name}: ${STATUS_LABELS[n.status]}${n.region ? `, ${n.region}` : ""}`,
    }));

  return (
    <section>
      <PageHeader
        title="Nodes"
        subtitle="Your organization's edge nodes: devices that serve requests near their users, with the cloud as fallback."
        actions={
          <>
            <button
              type="button"
              className="button secondary"
              onClick={() => {
                nodes.reload();
                tokens.reload();
              }}
            >
              Refresh
            </button>
            {canManage ? (
              <button type="button" className="button" onClick={() => setEnrolling(true)}>
                Create enrollment token
              </button>
            ) : null}
          </>
        }
      />
      <div className="panel map-panel">
        <WorldMap markers={markers} label={mapLabel(list)} />
        <ul className="legend" aria-label="Legend">
          {(statusCounts(list).length ? statusCounts(list) : [["online", 0] as const]).map(([status, count]) => (
            <li key={status}>
              <span className="dot" style={{ background: STATUS_COLORS[status] }} aria-hidden="true" />
              {STATUS_LABELS[status]} <span className="muted">{count}</span>
            </li>
          ))}
        </ul>
      </div>
      <LoadState
        loading={nodes.loading && !nodes.data}
        error={nodes.error}
        empty={list.length === 0}
        emptyText={
          canManage
            ? "No nodes yet. Create an enrollment token and run the command it shows on any machine to add one."
            : "No nodes yet. An owner or admin can enroll one."
        }
      >
        <NodesTable nodes={list} canManage={canManage} onRevoke={setRevoking} />
      </LoadState>
      {canManage ? <TokensPanel tokens={tokens.data ?? []} error={tokens.error} /> : null}
      <EnrollDialog open={enrolling} onClose={() => setEnrolling(false)} onCreated={tokens.reload} />
      <RevokeDialog node={revoking} onClose={() => setRevoking(null)} onRevoked={() => { setRevoking(null); nodes.reload(); }} />
    </section>
  );
}

function TokensPanel({ tokens, error }: { tokens: NodeToken[]; error: string | null }) {
  return (
    <section className="panel tokens" aria-labelledby="tokens-title">
      <h2 id="tokens-title">Enrollment tokens</h2>
      {error ? (
        <ErrorNotice error={error} />
      ) : tokens.length === 0 ? (
        <p className="muted">No enrollment tokens yet.</p>
      ) : (
        <ul className="token-list">
          {tokens.map((t) => (
            <li key={t.id}>
              <span>
                <strong>{t.name}</strong> <span className="mono muted">{t.prefix}…</span>
              </span>
              <span className={t.status === "unused" ? "badge ok" : "badge"}>{t.status === "unused" ? "Unused" : t.status === "used" ? "Used" : "Expired"}</span>
              <span className="muted">{t.status === "used" && t.used_at ? `used ${formatDateTime(t.used_at)}` : `expires ${formatDateTime(t.expires_at)}`}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function RevokeDialog({ node, onClose, onRevoked }: { node: EdgeNode | null; onClose: () => void; onRevoked: () => void }) {
  const revoke = async () => {
    if (!node) return;
    await api("POST", `/v1/organization/nodes/${node.id}/revoke`);
    onRevoked();
  };
  return (
    <ConfirmDialog open={node !== null} title="Revoke node" confirmLabel="Revoke node" busyText="Revoking…" onConfirm={revoke} onClose={onClose}>
      {node ? (
        <p>
          Revoke <strong>{node.name}</strong>? Its credential stops working at once and it gets no more requests. This cannot be undone: to
          bring the device back, enroll it again with a new token.
        </p>
      ) : null}
    </ConfirmDialog>
  );
}
