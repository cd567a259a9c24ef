// Create a key: ask for a name, then show the secret once with a copy button.
import { useState, type FormEvent } from "react";
import { Dialog } from "../../components/Dialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { FormActions } from "../../components/FormActions";
import { DoneButton, SecretOnce } from "../../components/SecretOnce";
import { rememberKey } from "../../lib/sessionKeys";
import { useAction } from "../../lib/useAction";
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
  const action = useAction();

  const close = () => {
    setName("");
    setCreated(null);
    action.setError(null);
    onClose();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => {
      const key = await createKey(projectId, name.trim());
      rememberKey(projectId, key.value);
      setCreated(key);
      onCreated(key);
    });
  };

  return (
    <Dialog open={open} title={created ? "Save your API key" : "Create API key"} onClose={close}>
      {created ? (
        <div className="form">
          <SecretOnce
            warning={
              <>
                Copy this key now. <strong>You won't see it again</strong>: the server keeps only a hash. If you lose it,
                revoke it and create a new one.
              </>
            }
            warningRole="status"
            label={`API key “${created.name}”`}
            inputLabel="New API key"
            value={created.value}
            copyLabel="Copy key"
            actions={(copy) => (
              <div className="form-actions">
                {copy}
                <DoneButton onClick={close} />
              </div>
            )}
          />
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
          <ErrorNotice error={action.error} />
          <FormActions onCancel={close} label="Create key" busy={action.busy} busyText="Creating…" disabled={!name.trim()} />
        </form>
      )}
    </Dialog>
  );
}
