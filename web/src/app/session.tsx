// The signed-in user, the organization and project the dashboard acts in, and how to change them.
// Pages read it with `useSession()`; the choice of organization and project survives reloads.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { api, ApiError, setOrganization } from "../api/client";
import type { AuthSession, Environment, ListOf, Organization, Project, User } from "../api/types";
import { roleCan, type Permission } from "./permissions";

const ORG_KEY = "zgpu.organization";
const PROJECT_KEY = "zgpu.project";

export interface SignUpInput {
  email: string;
  password: string;
  name: string;
  organization_name?: string;
}

export interface SessionValue {
  /** `loading` until the first answer of `GET /v1/auth/session`. */
  state: "loading" | "signed-out" | "signed-in";
  user: User | null;
  organizations: Organization[];
  organization: Organization | null;
  projects: Project[];
  project: Project | null;
  can: (permission: Permission) => boolean;
  signIn: (email: string, password: string) => Promise<void>;
  signUp: (input: SignUpInput) => Promise<void>;
  signOut: () => Promise<void>;
  switchOrganization: (id: string) => void;
  switchProject: (id: string) => void;
  createOrganization: (name: string) => Promise<Organization>;
  createProject: (name: string, environment: Environment) => Promise<Project>;
  /** Reload the organization's projects (after an archive, a rename ...). */
  reloadProjects: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

function fetchProjects(organizationId: string): Promise<ListOf<Project>> {
  return api<ListOf<Project>>("GET", "/v1/organization/projects", {
    headers: { "x-organization-id": organizationId },
    query: { limit: 100 },
  });
}

function pick<T extends { id: string }>(items: T[], wanted: string | null): T | null {
  return items.find((item) => item.id === wanted) ?? items[0] ?? null;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionValue["state"]>("loading");
  const [user, setUser] = useState<User | null>(null);
  const [organizations, setOrganizations] = useState<Organization[]>([]);
  const [organization, setOrganizationState] = useState<Organization | null>(null);
  const [projects, setProjects] = useState<Project[]>([]);
  const [project, setProject] = useState<Project | null>(null);

  const adopt = useCallback((session: AuthSession) => {
    setUser(session.user);
    setOrganizations(session.organizations);
    const org = pick(session.organizations, localStorage.getItem(ORG_KEY));
    if (org) localStorage.setItem(ORG_KEY, org.id); // so the next load can ask for its projects early
    setOrganization(org?.id ?? null);
    setOrganizationState(org);
    setState("signed-in");
  }, []);

  // The projects of the remembered organization, requested together with the session on load
  // (one round trip less before a page can ask for its data); used once, if that organization
  // is still the one chosen.
  const early = useRef<{ organizationId: string; list: Promise<ListOf<Project> | null> } | null>(null);

  const loadProjects = useCallback(async (org: Organization | null) => {
    if (!org) {
      setProjects([]);
      setProject(null);
      return;
    }
    const pending = early.current;
    early.current = null;
    const list =
      (pending && pending.organizationId === org.id ? await pending.list : null) ?? (await fetchProjects(org.id));
    const active = list.data.filter((p) => p.status === "active");
    setProjects(active);
    setProject(pick(active, localStorage.getItem(PROJECT_KEY)));
  }, []);

  useEffect(() => {
    const remembered = localStorage.getItem(ORG_KEY);
    if (remembered) {
      early.current = { organizationId: remembered, list: fetchProjects(remembered).catch(() => null) };
    }
    api<AuthSession>("GET", "/v1/auth/session")
      .then(adopt)
      .catch((exc: unknown) => {
        if (!(exc instanceof ApiError) || exc.status === 401 || exc.status === 0) setState("signed-out");
        else setState("signed-out");
      });
  }, [adopt]);

  useEffect(() => {
    loadProjects(organization).catch(() => setProjects([]));
  }, [organization, loadProjects]);

  const value = useMemo<SessionValue>(() => {
    const role = organization?.role ?? null;
    return {
      state,
      user,
      organizations,
      organization,
      projects,
      project,
      can: (permission) => roleCan(role, permission),
      signIn: async (email, password) => {
        adopt(await api<AuthSession>("POST", "/v1/auth/login", { body: { email, password } }));
      },
      signUp: async (input) => {
        adopt(await api<AuthSession>("POST", "/v1/auth/signup", { body: input }));
      },
      signOut: async () => {
        try {
          await api<void>("POST", "/v1/auth/logout");
        } finally {
          setUser(null);
          setOrganizations([]);
          setOrganizationState(null);
          setOrganization(null);
          setState("signed-out");
        }
      },
      switchOrganization: (id) => {
        const org = organizations.find((o) => o.id === id) ?? null;
        if (!org) return;
        localStorage.setItem(ORG_KEY, org.id);
        setOrganization(org.id);
        setOrganizationState(org);
      },
      switchProject: (id) => {
        const next = projects.find((p) => p.id === id) ?? null;
        if (!next) return;
        localStorage.setItem(PROJECT_KEY, next.id);
        setProject(next);
      },
      createOrganization: async (name) => {
        const org = await api<Organization>("POST", "/v1/organizations", { body: { name } });
        setOrganizations((current) => [...current, org]);
        localStorage.setItem(ORG_KEY, org.id);
        setOrganization(org.id);
        setOrganizationState(org);
        return org;
      },
      createProject: async (name, environment) => {
        const created = await api<Project>("POST", "/v1/organization/projects", {
          body: { name, environment },
        });
        setProjects((current) => [...current, created]);
        localStorage.setItem(PROJECT_KEY, created.id);
        setProject(created);
        return created;
      },
      reloadProjects: () => loadProjects(organization),
    };
  }, [state, user, organizations, organization, projects, project, adopt, loadProjects]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}
