import type { ReactNode } from "react";
import { CopyButton } from "./CopyButton";

/**
 * A secret the server shows only once: a warning, the value in a read-only field that selects
 * itself on focus, and a copy button. `label` names the field; `inputLabel`, when given, is the
 * field's accessible name instead. `actions` replaces the copy row (e.g. Copy + Done together).
 */
export function SecretOnce({
  warning,
  warningRole,
  label,
  inputLabel,
  value,
  copyLabel,
  actions,
}: {
  warning: ReactNode;
  warningRole?: "status";
  label: ReactNode;
  inputLabel?: string;
  value: string;
  copyLabel: string;
  actions?: (copy: ReactNode) => ReactNode;
}) {
  const copy = <CopyButton text={value} label={copyLabel} />;
  return (
    <>
      <p className="notice warn" role={warningRole}>
        {warning}
      </p>
      <label>
        {label}
        <input readOnly value={value} className="mono" onFocus={(e) => e.currentTarget.select()} aria-label={inputLabel} />
      </label>
      {actions ? actions(copy) : <div className="copy-row">{copy}</div>}
    </>
  );
}

/** The button that closes a dialog once its secret has been saved. */
export function DoneButton({ onClick }: { onClick: () => void }) {
  return (
    <button type="button" className="button" onClick={onClick}>
      Done
    </button>
  );
}
