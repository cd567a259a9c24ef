// "Create enrollment token": a name and a lifetime; then the token, shown once, and the command
// that starts a node with it.
import { useState, type FormEvent } from "react";
import { api } from "../../api/client";
import { CopyButton } from "../../components/CopyButton";
import { Dialog } from "../../components/Dialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { FormActions } from "../../components/FormActions";
import { DoneButton, SecretOnce } from "../../components/SecretOnce";
import { formatDateTime } from "../../lib/format";
import { useAction } from "../../lib/useAction";
import { nodeCommand, type NodeToken } from "./nodes";

const LIFETIMES: [number, string][] = [
  [1, "1 hour"],
  [24, "24 hours"],
  [24 * 7, "7 days"],
  [24 * 30, "30 days"],
];

export function EnrollDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: () => void }) {
  const [name, setName] = useState("edge-node");
  const [hours, setHours] = useState(24);
  const [created, setCreated] = useState<NodeToken | null>(null);
  const action = useAction();

  const close = () => {
    setCreated(null);
    action.setError(null);
    onClose();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => {
      const token = await api<NodeToken>("POST", "/v1/organization/nodes/tokens", { body: { name: name.trim() || "edge-node", ttl_hours: hours } });
      setCreated(token);
      onCreated();
    });
  };

  const command = created?.token ? nodeCommand(window.location.origin, created.token) : "";
  return (
    <Dialog open={open} title="Create enrollment token" onClose={close}>
      {created?.token ? (
        <div className="form">
          <SecretOnce
            warning={`Copy the token now: it is shown only once. It enrolls one node and expires ${formatDateTime(created.expires_at)}.`}
            label="Enrollment token"
            value={created.token}
            copyLabel="Copy token"
          />
          <p className="field-label">Run on the device that will serve requests:</p>
          <pre aria-label="Node command">{command}</pre>
          <div className="copy-row">
            <CopyButton text={command} label="Copy command" />
          </div>
          <div className="form-actions">
            <DoneButton onClick={close} />
          </div>
        </div>
      ) : (
        <form className="form" onSubmit={submit}>
          <p className="muted">A token lets one device join this organization as an edge node. Nodes are untrusted until they prove themselves: a sample of their answers is re-run and compared.</p>
          <label>
            Node name
            <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <label>
            Valid for
            <select value={hours} onChange={(e) => setHours(Number(e.target.value))}>
              {LIFETIMES.map(([h, label]) => (
                <option key={h} value={h}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <ErrorNotice error={action.error} />
          <FormActions onCancel={close} label="Create token" busy={action.busy} busyText="Creating…" />
        </form>
      )}
    </Dialog>
  );
}
