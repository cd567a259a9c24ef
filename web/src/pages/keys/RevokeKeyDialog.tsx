// Confirm before revoking: it takes effect at once and cannot be undone.
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { revokeKey, type ApiKey } from "./keysApi";

export function RevokeKeyDialog({
  apiKey,
  onClose,
  onRevoked,
}: {
  apiKey: ApiKey | null;
  onClose: () => void;
  onRevoked: () => void;
}) {
  const revoke = async () => {
    if (!apiKey) return;
    await revokeKey(apiKey.project_id, apiKey.id);
    onRevoked();
    onClose();
  };

  return (
    <ConfirmDialog
      open={apiKey !== null}
      title="Revoke API key"
      confirmLabel="Revoke key"
      busyText="Revoking…"
      onConfirm={revoke}
      onClose={onClose}
      cancelAutoFocus
    >
      {apiKey ? (
        <p>
          Revoke <strong>{apiKey.name}</strong> (<code>{apiKey.redacted_value}</code>)? Requests using it fail with 401
          immediately. This cannot be undone.
        </p>
      ) : null}
    </ConfirmDialog>
  );
}
