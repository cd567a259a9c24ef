// The organization's nodes as a table: status, region, models, load, last seen, quarantine reason.
import { ActionsHeader, RevokeButton } from "../../components/RowActions";
import { formatRelative } from "../../lib/format";
import { loadText, STATUS_COLORS, STATUS_LABELS, statusTone, type EdgeNode } from "./nodes";

export function NodesTable({ nodes, canManage, onRevoke }: { nodes: EdgeNode[]; canManage: boolean; onRevoke: (node: EdgeNode) => void }) {
  return (
    <div className="table-wrap">
      <table aria-label="Nodes">
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">Status</th>
            <th scope="col">Region</th>
            <th scope="col">Models</th>
            <th scope="col" className="num">
              Load
            </th>
            <th scope="col">Last seen</th>
            <th scope="col">Quarantine reason</th>
            {canManage ? <ActionsHeader /> : null}
          </tr>
        </thead>
        <tbody>
          {nodes.map((node) => (
            <tr key={node.id} data-node-id={node.id}>
              <td>
                <span className="node-name">{node.name}</span>
                <span className="muted mono node-id">{node.id}</span>
              </td>
              <td>
                <span className={`badge status-badge ${statusTone(node.status)}`}>
                  <span className="dot" style={{ background: STATUS_COLORS[node.status] }} aria-hidden="true" />
                  {STATUS_LABELS[node.status]}
                </span>
              </td>
              <td>{node.region ?? "—"}</td>
              <td className="models">{node.models.length ? node.models.join(", ") : "—"}</td>
              <td className="num">{loadText(node.in_flight, node.concurrency)}</td>
              <td>{formatRelative(node.last_seen_at)}</td>
              <td className="reason">{node.quarantine_reason ?? "—"}</td>
              {canManage ? (
                <td>
                  {node.status !== "revoked" ? <RevokeButton name={node.name} onClick={() => onRevoke(node)} /> : null}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
