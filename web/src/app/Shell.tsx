// The frame around every signed-in page: top bar with organization and project switchers, side
// navigation (a menu button at phone width), and the footer with the data credits.
import { useState, type FormEvent, type ReactNode } from "react";
import { NavLink } from "react-router";
import type { Environment } from "../api/types";
import { Dialog } from "../components/Dialog";
import { ErrorNotice } from "../components/ErrorNotice";
import { FormActions } from "../components/FormActions";
import { useAction } from "../lib/useAction";
import { PAGES } from "./routes";
import { useSession } from "./session";

const NAV_GROUPS: { key: "main" | "playground" | "tools"; title: string | null }[] = [
  { key: "main", title: null },
  { key: "playground", title: "Playground" },
  { key: "tools", title: "Tools" },
];

export function Shell({ children }: { children: ReactNode }) {
  const session = useSession();
  const [menuOpen, setMenuOpen] = useState(false);
  const [creating, setCreating] = useState<"organization" | "project" | null>(null);

  return (
    <div className="shell">
      <header className="topbar">
        <button
          type="button"
          className="icon-button menu-button"
          aria-label="Menu"
          aria-expanded={menuOpen}
          aria-controls="sidenav"
          onClick={() => setMenuOpen((open) => !open)}
        >
          ☰
        </button>
        <NavLink to="/" className="brand">
          ZeroGPU
        </NavLink>
        <div className="switchers">
          <label className="switcher">
            <span className="visually-hidden">Organization</span>
            <select
              aria-label="Organization"
              value={session.organization?.id ?? ""}
              onChange={(e) => (e.target.value === "+" ? setCreating("organization") : session.switchOrganization(e.target.value))}
            >
              {session.organizations.map((org) => (
                <option key={org.id} value={org.id}>
                  {org.name}
                </option>
              ))}
              <option value="+">+ New organization…</option>
            </select>
          </label>
          <span className="separator" aria-hidden="true">/</span>
          <label className="switcher">
            <span className="visually-hidden">Project</span>
            <select
              aria-label="Project"
              value={session.project?.id ?? ""}
              onChange={(e) => (e.target.value === "+" ? setCreating("project") : session.switchProject(e.target.value))}
            >
              {session.projects.length === 0 ? <option value="">No project</option> : null}
              {session.projects.map((project) => (
                <option key={project.id} value={project.id}>
                  {project.name}
                </option>
              ))}
              {session.can("projects.create") ? <option value="+">+ New project…</option> : null}
            </select>
          </label>
        </div>
        <div className="user">
          <span className="muted user-email" title={session.user?.email}>
            {session.user?.email}
          </span>
          <button type="button" className="button secondary small" onClick={() => void session.signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <div className="body">
        <nav id="sidenav" className={menuOpen ? "sidenav open" : "sidenav"} aria-label="Main">
          {NAV_GROUPS.map((group) => (
            <div key={group.key} className="nav-group">
              {group.title ? <p className="nav-title">{group.title}</p> : null}
              {PAGES.filter((p) => p.nav === group.key).map((p) => (
                <NavLink key={p.path} to={p.path} end={p.path === "/"} onClick={() => setMenuOpen(false)}>
                  {p.label}
                </NavLink>
              ))}
            </div>
          ))}
        </nav>
        <main className="content">{children}</main>
      </div>
      <footer className="footer">
        <span>ZeroGPU</span>
        <span>
          IP geolocation by <a href="https://db-ip.com">DB-IP</a> (CC BY 4.0).
        </span>
        <span>
          Taxonomies © <a href="https://iabtechlab.com/standards/content-taxonomy/">IAB Tech Lab</a> (CC BY 3.0).
        </span>
      </footer>
      <CreateDialog kind={creating} onClose={() => setCreating(null)} />
    </div>
  );
}

function CreateDialog({ kind, onClose }: { kind: "organization" | "project" | null; onClose: () => void }) {
  const session = useSession();
  const [name, setName] = useState("");
  const [environment, setEnvironment] = useState<Environment>("development");
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => {
      if (kind === "organization") await session.createOrganization(name.trim());
      else await session.createProject(name.trim(), environment);
      setName("");
      onClose();
    });
  };

  return (
    <Dialog open={kind !== null} title={kind === "organization" ? "New organization" : "New project"} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <label>
          Name
          <input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} autoFocus />
        </label>
        {kind === "project" ? (
          <label>
            Environment
            <select value={environment} onChange={(e) => setEnvironment(e.target.value as Environment)}>
              <option value="development">Development</option>
              <option value="staging">Staging</option>
              <option value="production">Production</option>
            </select>
          </label>
        ) : null}
        <ErrorNotice error={action.error} />
        <FormActions onCancel={onClose} label="Create" busy={action.busy} busyText="Creating…" disabled={!name.trim()} />
      </form>
    </Dialog>
  );
}
