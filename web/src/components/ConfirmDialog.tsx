import type { ReactNode } from "react";
import { useAction } from "../lib/useAction";
import { Dialog } from "./Dialog";
import { ErrorNotice } from "./ErrorNotice";
import { FormActions } from "./FormActions";

/**
 * Asks before an action that cannot be undone: `children` explain it, Cancel closes, the danger
 * button runs `onConfirm` (saying `busyText` meanwhile). A failure stays in the dialog as an alert;
 * closing clears it. The caller closes the dialog on success (from `onConfirm` or its callbacks).
 */
export function ConfirmDialog({
  open,
  title,
  confirmLabel,
  busyText,
  onConfirm,
  onClose,
  cancelAutoFocus = false,
  children,
}: {
  open: boolean;
  title: string;
  confirmLabel: string;
  busyText: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
  cancelAutoFocus?: boolean;
  children: ReactNode;
}) {
  const action = useAction();
  const close = () => {
    action.setError(null);
    onClose();
  };
  return (
    <Dialog open={open} title={title} onClose={close}>
      <div className="form">
        {children}
        <ErrorNotice error={action.error} />
        <FormActions
          onCancel={close}
          cancelAutoFocus={cancelAutoFocus}
          label={confirmLabel}
          busy={action.busy}
          busyText={busyText}
          onConfirm={() => void action.run(onConfirm)}
          danger
        />
      </div>
    </Dialog>
  );
}
