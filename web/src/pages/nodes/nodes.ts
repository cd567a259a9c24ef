// The Nodes page's logic: shapes of /v1/organization/nodes, colours and words per status, load,
// and the command that starts a node with an enrollment token.

export type NodeStatus = "online" | "offline" | "draining" | "quarantined" | "revoked";

export interface EdgeNode {
  object: "organization.node";
  id: string;
  name: string;
  status: NodeStatus;
  region: string | null;
  lat: number | null;
  lon: number | null;
  models: string[];
  concurrency: number;
  in_flight: number;
  reputation: number;
  quarantine_reason: string | null;
  last_seen_at: number | null;
  created_at: number;
}

export interface NodeToken {
  object: "organization.node_token";
  id: string;
  name: string;
  prefix: string;
  status: "unused" | "used" | "expired";
  created_at: number;
  expires_at: number;
  used_at: number | null;
  node_id: string | null;
  token?: string | null;
}

export const STATUS_ORDER: NodeStatus[] = ["online", "draining", "offline", "quarantined", "revoked"];

export const STATUS_COLORS: Record<NodeStatus, string> = {
  online: "#2b8a3e",
  draining: "#e67700",
  offline: "#868e96",
  quarantined: "#c92a2a",
  revoked: "#343a40",
};

export const STATUS_LABELS: Record<NodeStatus, string> = {
  online: "Online",
  draining: "Draining",
  offline: "Offline",
  quarantined: "Quarantined",
  revoked: "Revoked",
};

/** The badge class of a status. */
export function statusTone(status: NodeStatus): "ok" | "warn" | "error" | "" {
  if (status === "online") return "ok";
  if (status === "draining") return "warn";
  if (status === "quarantined") return "error";
  return "";
}

/** "2 / 4 (50%)" in flight over concurrency; "—" when the node reports no concurrency. */
export function loadText(inFlight: number, concurrency: number): string {
  if (concurrency <= 0) return "—";
  return `${inFlight} / ${concurrency} (${Math.round((inFlight / concurrency) * 100)}%)`;
}

/** How many nodes are in each status, in STATUS_ORDER, leaving out statuses with none. */
export function statusCounts(nodes: Pick<EdgeNode, "status">[]): [NodeStatus, number][] {
  const counts = new Map<NodeStatus, number>();
  for (const node of nodes) counts.set(node.status, (counts.get(node.status) ?? 0) + 1);
  return STATUS_ORDER.filter((s) => counts.has(s)).map((s) => [s, counts.get(s) ?? 0]);
}

/** "Map of 3 nodes: 2 online, 1 offline." (words for the map's accessible name). */
export function mapLabel(nodes: Pick<EdgeNode, "status" | "lat" | "lon">[]): string {
  if (nodes.length === 0) return "World map with no nodes.";
  const placed = nodes.filter((n) => n.lat !== null && n.lon !== null).length;
  const parts = statusCounts(nodes).map(([s, n]) => `${n} ${STATUS_LABELS[s].toLowerCase()}`);
  const unplaced = placed < nodes.length ? ` ${nodes.length - placed} without a position.` : "";
  return `World map of ${nodes.length} node${nodes.length === 1 ? "" : "s"}: ${parts.join(", ")}.${unplaced}`;
}

/** Quote an argument for a POSIX shell when it needs it. */
function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `zgpu node --server <origin> --token <token>`: the command that enrolls and starts a node. */
export function nodeCommand(origin: string, token: string): string {
  return `zgpu node --server ${shellQuote(origin)} --token ${shellQuote(token)}`;
}
