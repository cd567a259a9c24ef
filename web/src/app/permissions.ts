// What each role may do, mirroring the server's policy (docs/roles.md). The server enforces it;
// the dashboard only hides what a role cannot use.
import type { Role } from "../api/types";

export type Permission =
  | "org.update"
  | "projects.create"
  | "projects.update"
  | "projects.archive"
  | "keys.read"
  | "keys.create"
  | "keys.revoke"
  | "logs.read"
  | "usage.read"
  | "billing.read"
  | "billing.manage"
  | "nodes.read"
  | "nodes.manage";

const GRANTS: Record<Role, ReadonlySet<Permission>> = {
  owner: new Set<Permission>([
    "org.update", "projects.create", "projects.update", "projects.archive", "keys.read",
    "keys.create", "keys.revoke", "logs.read", "usage.read", "billing.read", "billing.manage",
    "nodes.read", "nodes.manage",
  ]),
  admin: new Set<Permission>([
    "org.update", "projects.create", "projects.update", "projects.archive", "keys.read",
    "keys.create", "keys.revoke", "logs.read", "usage.read", "billing.read", "nodes.read",
    "nodes.manage",
  ]),
  member: new Set<Permission>([
    "keys.read", "keys.create", "keys.revoke", "logs.read", "usage.read", "nodes.read",
  ]),
  viewer: new Set<Permission>(["keys.read", "logs.read", "usage.read", "nodes.read"]),
};

export function roleCan(role: Role | null | undefined, permission: Permission): boolean {
  return role ? GRANTS[role].has(permission) : false;
}
