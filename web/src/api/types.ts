// Shapes of the management API's answers that several pages share (see /openapi.json).

export type Role = "owner" | "admin" | "member" | "viewer";
export type Environment = "development" | "staging" | "production";

export interface ListOf<T> {
  object: "list";
  data: T[];
  has_more?: boolean;
  next_cursor?: string | null;
}

export interface User {
  object: "user";
  id: string;
  email: string;
  name: string;
  created_at: number;
}

export interface Organization {
  object: "organization";
  id: string;
  name: string;
  role: Role;
  created_at: number;
}

export interface AuthSession {
  object: "auth.session";
  user: User;
  organizations: Organization[];
  csrf_token: string;
  expires_at: number;
}

export interface Project {
  object: "organization.project";
  id: string;
  organization_id: string;
  name: string;
  environment: Environment;
  status: "active" | "archived";
  created_at: number;
  archived_at: number | null;
}
