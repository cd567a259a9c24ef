// The Dashboard: organization, project, project id, the API key (masked) and a working snippet.
import { Link } from "react-router";
import { useSession } from "../../app/session";
import { CopyButton } from "../../components/CopyButton";
import { LoadState } from "../../components/LoadState";
import { PageHeader } from "../../components/PageHeader";
import { recallKey } from "../../lib/sessionKeys";
import { useAsync } from "../../lib/useAsync";
import { listKeys, secretMatches, type ApiKey } from "../keys/keysApi";
import { listModels } from "./modelsApi";
import { SnippetPanel } from "./SnippetPanel";
import "./dashboard.css";

export default function DashboardPage() {
  const session = useSession();
  const project = session.project;
  const projectId = project?.id ?? null;
  const keys = useAsync(() => (projectId ? listKeys(projectId) : Promise.resolve([])), [projectId]);
  const models = useAsync(() => listModels(), []);

  if (!project) {
    return (
      <>
        <PageHeader title="Dashboard" subtitle={session.organization?.name} />
        <p className="notice muted">
          This organization has no project yet.{" "}
          {session.can("projects.create")
            ? "Create one with “+ New project…” in the project menu at the top."
            : "Ask an owner or admin to create one."}
        </p>
      </>
    );
  }

  const active: ApiKey[] = (keys.data ?? []).filter((k) => k.status === "active");
  const newest = active.reduce<ApiKey | null>((a, k) => (a && a.created_at >= k.created_at ? a : k), null);
  const remembered = recallKey(project.id);
  // Use the tab's secret only while the key it belongs to is still active.
  const secret = remembered && active.some((k) => secretMatches(remembered, k.redacted_value)) ? remembered : null;

  return (
    <>
      <PageHeader title="Dashboard" subtitle="Everything you need to send your first request." />
      <section className="panel" aria-labelledby="glance-title">
        <h2 id="glance-title" className="visually-hidden">
          At a glance
        </h2>
        <dl className="glance">
          <div>
            <dt>Organization</dt>
            <dd>{session.organization?.name}</dd>
          </div>
          <div>
            <dt>Project</dt>
            <dd>
              {project.name} <span className="badge">{project.environment}</span>
            </dd>
          </div>
          <div>
            <dt>Project ID</dt>
            <dd className="with-copy">
              <code aria-label="Project ID">{project.id}</code>
              <CopyButton text={project.id} label="Copy project ID" />
            </dd>
          </div>
          <div>
            <dt>API key</dt>
            <dd>
              <LoadState loading={keys.loading && !keys.data} error={keys.error}>
                {newest ? (
                  <span className="with-copy">
                    <code aria-label="API key">{newest.redacted_value}</code>
                    <Link to="/keys">Manage keys</Link>
                  </span>
                ) : session.can("keys.create") ? (
                  <Link className="button small" to="/keys?create=1">
                    Create API key
                  </Link>
                ) : (
                  <span className="muted">No active key. Ask a member to create one.</span>
                )}
              </LoadState>
            </dd>
          </div>
        </dl>
      </section>
      <LoadState loading={models.loading && !models.data} error={models.error}>
        <SnippetPanel projectId={project.id} models={models.data ?? []} apiKey={secret} />
      </LoadState>
      <section className="panel" aria-labelledby="next-title">
        <h2 id="next-title">From here</h2>
        <ul className="next-links">
          <li>
            <Link to="/usage">Usage</Link> — token counts, request volume, latency trends.
          </li>
          <li>
            <Link to="/logs">Logs</Link> — every request: model, status, latency, time.
          </li>
          <li>
            <Link to="/keys">API keys</Link> — create, revoke and rotate credentials.
          </li>
        </ul>
      </section>
    </>
  );
}
