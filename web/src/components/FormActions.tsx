import type { ReactNode } from "react";

/**
 * The action row of a form or dialog: Cancel, then the primary button that says `busyText` while
 * the action runs. With `onConfirm` the primary button is a plain button calling it; without, it
 * submits the enclosing form. The primary button is disabled while busy or when `disabled`.
 */
export function FormActions({
  onCancel,
  label,
  busy,
  busyText,
  disabled = false,
  onConfirm,
  danger = false,
  cancelAutoFocus = false,
  before,
}: {
  onCancel?: () => void;
  label: string;
  busy: boolean;
  busyText: string;
  disabled?: boolean;
  onConfirm?: () => void;
  danger?: boolean;
  cancelAutoFocus?: boolean;
  /** Shown at the start of the row instead of a Cancel button when there is no `onCancel`. */
  before?: ReactNode;
}) {
  return (
    <div className="form-actions">
      {before}
      {onCancel ? (
        <button type="button" className="button secondary" onClick={onCancel} autoFocus={cancelAutoFocus}>
          Cancel
        </button>
      ) : null}
      <button
        type={onConfirm ? "button" : "submit"}
        className={danger ? "button danger" : "button"}
        onClick={onConfirm}
        disabled={busy || disabled}
      >
        {busy ? busyText : label}
      </button>
    </div>
  );
}
