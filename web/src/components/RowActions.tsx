// The actions column of a table: a header cell with a hidden name, and the row's Revoke button.

/** The header of a table's actions column: no visible text, "Actions" for screen readers. */
export function ActionsHeader() {
  return (
    <th scope="col">
      <span className="visually-hidden">Actions</span>
    </th>
  );
}

/** A row's "Revoke" button, named "Revoke <name>" for assistive technology. */
export function RevokeButton({ name, onClick }: { name: string; onClick: () => void }) {
  return (
    <button type="button" className="button secondary small" aria-label={`Revoke ${name}`} onClick={onClick}>
      Revoke
    </button>
  );
}
