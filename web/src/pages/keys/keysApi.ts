// A project's API keys over the management API.
import { api } from "../../api/client";
import type { ListOf } from "../../api/types";

export interface ApiKey {
  object: "organization.project.api_key";
  id: string;
  project_id: string;
  name: string;
  /** Masked, e.g. `zgpu-api-ab12…9xyz`. */
  redacted_value: string;
  status: "active" | "revoked" | "expired";
  created_at: number;
  created_by: string | null;
  last_used_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
}

/** A key just created: `value` is the secret, returned this once. */
export interface CreatedApiKey extends ApiKey {
  value: string;
}

const keysPath = (projectId: string) => `/v1/organization/projects/${encodeURIComponent(projectId)}/api_keys`;

/** The project's keys, newest first. */
export async function listKeys(projectId: string, signal?: AbortSignal): Promise<ApiKey[]> {
  const page = await api<ListOf<ApiKey>>("GET", keysPath(projectId), { query: { limit: 100 }, signal });
  return page.data;
}

export function createKey(projectId: string, name: string): Promise<CreatedApiKey> {
  return api<CreatedApiKey>("POST", keysPath(projectId), { body: { name } });
}

export async function revokeKey(projectId: string, keyId: string): Promise<void> {
  await api<unknown>("DELETE", `${keysPath(projectId)}/${encodeURIComponent(keyId)}`);
}

/** Whether `secret` is the key shown masked as `redacted` (same prefix and same last characters). */
export function secretMatches(secret: string, redacted: string): boolean {
  const [head, tail] = redacted.split("…");
  if (head === undefined || tail === undefined || !head || !tail) return false;
  return secret.startsWith(head) && secret.endsWith(tail) && secret.length > head.length + tail.length;
}
