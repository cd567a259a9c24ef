import type { ReactNode } from "react";
import { ErrorNotice } from "./ErrorNotice";

/** Loading, error and empty states in one place, so every page says the same things the same way. */
export function LoadState({
  loading,
  error,
  empty,
  emptyText = "Nothing here yet.",
  children,
}: {
  loading: boolean;
  error: string | null;
  empty?: boolean;
  emptyText?: ReactNode;
  children: ReactNode;
}) {
  if (error) return <ErrorNotice error={error} />;
  if (loading) return <p className="notice muted" aria-busy="true">Loading…</p>;
  if (empty) return <p className="notice muted">{emptyText}</p>;
  return <>{children}</>;
}
