// API keys of the current project: create (secret shown once), list (masked), revoke.
import { useState } from "react";
import { useSearchParams } from "react-router";
import { useSession } from "../../app/session";
import { LoadState } from "../../components/LoadState";
import { PageHeader } from "../../components/PageHeader";
import { ProjectRequired } from "../../components/ProjectRequired";
import { ActionsHeader, RevokeButton } from "../../components/RowActions";
import { formatDateTime, formatRelative } from "../../lib/format";
import { useAsync } from "../../lib/useAsync";
import { CreateKeyDialog } from "./CreateKeyDialog";
import { listKeys, type ApiKey } from "./keysApi";
import { RevokeKeyDialog } from "./RevokeKeyDialog";
import "./keys.css";

const STATUS_BADGE: Record<ApiKey["status"], string> = { active: "badge ok", revoked: "badge error", expired: "badge warn" };

export default function KeysPage() {
  const session = useSession();
  const projectId = session.project?.id ?? null;
  const [params, setParams] = useSearchParams();
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const keys = useAsync(() => (projectId ? listKeys(projectId) : Promise.resolve([])), [projectId]);
  const canCreate = session.can("keys.create");
  const canRevoke = session.can("keys.revoke");
  const creating = canCreate && params.get("create") === "1";

  const setCreating = (open: boolean) => {
    const next = new URLSearchParams(params);
    if (open) next.set("create", "1");
    else next.delete("create");
    setParams(next, { replace: true });
  };

  if (!projectId) {
    return <ProjectRequired title="API keys" reason="keys belong to a project" />;
  }

  return (
    <>
      <PageHeader
        title="API keys"
        subtitle={`Keys of ${session.project?.name ?? "this project"}. A key is shown in full only once, when created.`}
        actions={
          canCreate ? (
            <button type="button" className="button" onClick={() => setCreating(true)}>
              Create API key
            </button>
          ) : null
        }
      />
      {!canCreate ? (
        <p className="notice muted">Your role ({session.organization?.role}) can view keys but not create or revoke them.</p>
      ) : null}
      <LoadState
        loading={keys.loading && !keys.data}
        error={keys.error}
        empty={keys.data?.length === 0}
        emptyText={canCreate ? "No keys yet. Create one to start sending requests." : "This project has no keys yet."}
      >
        <div className="table-wrap">
          <table className="keys-table stack-table">
            <caption className="visually-hidden">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                {canRevoke ? <ActionsHeader /> : null}
              </tr>
            </thead>
            <tbody>
              {(keys.data ?? []).map((key) => (
                <tr key={key.id}>
                  <td className="key-name">{key.name}</td>
                  <td className="wide" data-label="Key">
                    <code>{key.redacted_value}</code>
                  </td>
                  <td data-label="Created">{formatDateTime(key.created_at)}</td>
                  <td data-label="Last used" title={key.last_used_at ? formatDateTime(key.last_used_at) : undefined}>
                    {formatRelative(key.last_used_at)}
                  </td>
                  <td data-label="Status">
                    <span className={STATUS_BADGE[key.status]}>{key.status}</span>
                  </td>
                  {canRevoke ? (
                    <td className="actions" data-label="">
                      {key.status === "active" ? <RevokeButton name={key.name} onClick={() => setRevoking(key)} /> : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </LoadState>
      {canCreate ? (
        <CreateKeyDialog open={creating} projectId={projectId} onClose={() => setCreating(false)} onCreated={keys.reload} />
      ) : null}
      {canRevoke ? <RevokeKeyDialog apiKey={revoking} onClose={() => setRevoking(null)} onRevoked={keys.reload} /> : null}
    </>
  );
}
