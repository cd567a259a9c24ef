// The "Payment methods" panel: saved cards, the default, remove, and add a new one.
import { useState, type FormEvent } from "react";
import { api, errorMessage } from "../../api/client";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Dialog } from "../../components/Dialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { FormActions } from "../../components/FormActions";
import { useAction } from "../../lib/useAction";
import { CardFields, cardBody, EMPTY_CARD } from "./CardFields";
import { brandName } from "./money";
import type { CardInput, PaymentMethod } from "./types";

export function PaymentMethods({
  methods,
  canManage,
  onChanged,
}: {
  methods: PaymentMethod[];
  canManage: boolean;
  onChanged: () => void;
}) {
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<PaymentMethod | null>(null);
  const [error, setError] = useState<string | null>(null);

  const makeDefault = async (method: PaymentMethod) => {
    setError(null);
    try {
      await api("POST", `/v1/organization/billing/payment_methods/${method.id}/default`);
      onChanged();
    } catch (exc) {
      setError(errorMessage(exc));
    }
  };

  return (
    <section className="panel" aria-labelledby="methods-title">
      <div className="panel-head">
        <div>
          <h2 id="methods-title">Payment methods</h2>
          <p className="muted">Cards used to add credit and for auto recharge.</p>
        </div>
        {canManage ? (
          <button type="button" className="button secondary" onClick={() => setAdding(true)}>
            Add payment method
          </button>
        ) : null}
      </div>
      <ErrorNotice error={error} />
      {methods.length === 0 ? (
        <p className="muted">No saved payment method yet. A card used to add credit is saved here.</p>
      ) : (
        <ul className="methods" aria-label="Saved payment methods">
          {methods.map((m) => (
            <li key={m.id}>
              <span className="method-name">
                <strong>{brandName(m.brand)}</strong> •••• {m.last4}
              </span>
              <span className="muted">
                Expires {String(m.exp_month).padStart(2, "0")}/{m.exp_year} · {m.country}
              </span>
              {m.is_default ? <span className="badge ok">Default</span> : null}
              {canManage ? (
                <span className="method-actions">
                  {!m.is_default ? (
                    <button type="button" className="button secondary small" onClick={() => void makeDefault(m)} aria-label={`Make ${brandName(m.brand)} ending ${m.last4} the default`}>
                      Make default
                    </button>
                  ) : null}
                  <button type="button" className="button secondary small" onClick={() => setRemoving(m)} aria-label={`Remove ${brandName(m.brand)} ending ${m.last4}`}>
                    Remove
                  </button>
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <AddMethodDialog open={adding} first={methods.length === 0} onClose={() => setAdding(false)} onAdded={() => { setAdding(false); onChanged(); }} />
      <RemoveMethodDialog method={removing} onClose={() => setRemoving(null)} onRemoved={() => { setRemoving(null); onChanged(); }} />
    </section>
  );
}

function AddMethodDialog({ open, first, onClose, onAdded }: { open: boolean; first: boolean; onClose: () => void; onAdded: () => void }) {
  const [card, setCard] = useState<CardInput>(EMPTY_CARD);
  const [makeDefault, setMakeDefault] = useState(false);
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => {
      await api("POST", "/v1/organization/billing/payment_methods", { body: { card: cardBody(card), make_default: makeDefault } });
      setCard(EMPTY_CARD);
      onAdded();
    });
  };

  return (
    <Dialog open={open} title="Add payment method" onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <CardFields card={card} onChange={setCard} />
        {first ? (
          <p className="muted field-help">Your first card becomes the default.</p>
        ) : (
          <label className="check">
            <input type="checkbox" checked={makeDefault} onChange={(e) => setMakeDefault(e.target.checked)} />
            Make this the default payment method
          </label>
        )}
        <ErrorNotice error={action.error} />
        <FormActions onCancel={onClose} label="Save card" busy={action.busy} busyText="Saving…" />
      </form>
    </Dialog>
  );
}

function RemoveMethodDialog({ method, onClose, onRemoved }: { method: PaymentMethod | null; onClose: () => void; onRemoved: () => void }) {
  const remove = async () => {
    if (!method) return;
    await api("DELETE", `/v1/organization/billing/payment_methods/${method.id}`);
    onRemoved();
  };

  return (
    <ConfirmDialog open={method !== null} title="Remove payment method" confirmLabel="Remove card" busyText="Removing…" onConfirm={remove} onClose={onClose}>
      {method ? (
        <p>
          Remove {brandName(method.brand)} •••• {method.last4}?
          {method.is_default ? " It is the default: the most recent remaining card becomes the default." : ""}
        </p>
      ) : null}
    </ConfirmDialog>
  );
}
