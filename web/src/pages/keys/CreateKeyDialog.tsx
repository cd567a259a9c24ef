// Create a key: ask for a name, then show the secret once with a copy button.
import { useState, type FormEvent } from "react";
import { errorMessage } from "../../api/client";
import { CopyButton } from "../../components/CopyButton";
import { Dialog } from "../../components/Dialog";
import { rememberKey } from "../../lib/sessionKeys";
import { createKey, type CreatedApiKey } from "./keysApi";

export function CreateKeyDialog({
  open,
  projectId,
  onClose,
  onCreated,
}: {
  open: boolean;
  projectId: string;
  onClose: () => void;
  onCreated: (key: CreatedApiKey) => void;
}) {
  const [name, setName] = useState("");
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const close = () => {
    setName("");
    setCreated(null);
    setError(null);
    onClose();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const key = await createKey(projectId, name.trim());
      rememberKey(projectId, key.value);
      setCreated(key);
      onCreated(key);
    } catch (exc) {
      setError(errorMessage(exc));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={open} title={created ? "Save your API key" : "Create API key"} onClose={close}>
      {created ? (
        <div className="form">
          <p className="notice warn" role="status">
            Copy this key now. <strong>You won't see it again</strong>: the server keeps only a hash. If you lose it,
            revoke it and create a new one.
          </p>
          <label>
            API key “{created.name}”
            <input readOnly value={created.value} className="mono" onFocus={(e) => e.currentTarget.select()} aria-label="New API key" />
          </label>
          <div className="form-actions">
            <CopyButton text={created.value} label="Copy key" />
            <button type="button" className="button" onClick={close}>
              Done
            </button>
          </div>
        </div>
      ) : (
        <form className="form" onSubmit={submit}>
          <label>
            Key name
            <input
              required
              maxLength={200}
              placeholder="e.g. production backend"
              value={name}
              onChange={(e) => setName(e.target.value)}
              autoFocus
            />
          </label>
          <p className="muted small-print">One key per environment makes rotation and revocation painless.</p>
          {error ? (
            <p className="notice error" role="alert">
              {error}
            </p>
          ) : null}
          <div className="form-actions">
            <button type="button" className="button secondary" onClick={close}>
              Cancel
            </button>
            <button type="submit" className="button" disabled={busy || !name.trim()}>
              {busy ? "Creating…" : "Create key"}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
