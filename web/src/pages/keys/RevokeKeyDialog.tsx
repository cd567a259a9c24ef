// Confirm before revoking: it takes effect at once and cannot be undone.
import { useState } from "react";
import { errorMessage } from "../../api/client";
import { Dialog } from "../../components/Dialog";
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
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const close = () => {
    setError(null);
    onClose();
  };

  const revoke = async () => {
    if (!apiKey) return;
    setBusy(true);
    setError(null);
    try {
      await revokeKey(apiKey.project_id, apiKey.id);
      onRevoked();
      close();
    } catch (exc) {
      setError(errorMessage(exc));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={apiKey !== null} title="Revoke API key" onClose={close}>
      {apiKey ? (
        <div className="form">
          <p>
            Revoke <strong>{apiKey.name}</strong> (<code>{apiKey.redacted_value}</code>)? Requests using it fail with
            401 immediately. This cannot be undone.
          </p>
          {error ? (
            <p className="notice error" role="alert">
              {error}
            </p>
          ) : null}
          <div className="form-actions">
            <button type="button" className="button secondary" onClick={close} autoFocus>
              Cancel
            </button>
            <button type="button" className="button danger" onClick={revoke} disabled={busy}>
              {busy ? "Revoking…" : "Revoke key"}
            </button>
          </div>
        </div>
      ) : null}
    </Dialog>
  );
}
