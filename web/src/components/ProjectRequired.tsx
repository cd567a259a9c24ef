import { PageHeader } from "./PageHeader";

/**
 * What a project-scoped page shows when no project is chosen: its title and why it needs one
 * (`reason` completes "Choose or create a project first: …").
 */
export function ProjectRequired({ title, reason }: { title: string; reason: string }) {
  return (
    <>
      <PageHeader title={title} />
      <p className="notice muted">Choose or create a project first: {reason}.</p>
    </>
  );
}
