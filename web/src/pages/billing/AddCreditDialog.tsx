// "Add to credit balance": an amount (presets or custom) and a saved payment method or a new card.
// Each purchase carries an Idempotency-Key; a retry after a lost answer reuses it, so a card is
// never charged twice for one click.
import { useRef, useState, type FormEvent } from "react";
import { api, ApiError, errorMessage } from "../../api/client";
import { Dialog } from "../../components/Dialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { FormActions } from "../../components/FormActions";
import { CardFields, cardBody, EMPTY_CARD } from "./CardFields";
import { amountProblem, methodLabel, newIdempotencyKey, normalizeUsd, presetLabel } from "./money";
import type { Balance, CardInput, CreditReceipt, PaymentMethod } from "./types";

const NEW_CARD = "new";

export function AddCreditDialog({
  open,
  balance,
  methods,
  onClose,
  onAdded,
}: {
  open: boolean;
  balance: Balance;
  methods: PaymentMethod[];
  onClose: () => void;
  onAdded: (receipt: CreditReceipt) => void;
}) {
  return (
    <Dialog open={open} title="Add to credit balance" onClose={onClose}>
      <AddCreditForm balance={balance} methods={methods} onClose={onClose} onAdded={onAdded} />
    </Dialog>
  );
}

function AddCreditForm({
  balance,
  methods,
  onClose,
  onAdded,
}: {
  balance: Balance;
  methods: PaymentMethod[];
  onClose: () => void;
  onAdded: (receipt: CreditReceipt) => void;
}) {
  const presets = balance.credit_presets_usd;
  const initialMethod = methods.find((m) => m.is_default) ?? methods[0];
  const [amount, setAmount] = useState(presets[1] ? presetLabel(presets[1]).slice(1) : "25");
  const [method, setMethod] = useState<string>(initialMethod?.id ?? NEW_CARD);
  const [card, setCard] = useState<CardInput>(EMPTY_CARD);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const attempt = useRef<{ body: string; key: string; settled: boolean } | null>(null);

  const normal = normalizeUsd(amount);
  const problem = amount.trim() ? amountProblem(amount, balance.min_credit_usd, balance.max_credit_usd) : null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (normal === null || problem) {
      setError(problem ?? "Enter an amount.");
      return;
    }
    const body = method === NEW_CARD ? { amount_usd: normal, card: cardBody(card) } : { amount_usd: normal, payment_method_id: method };
    const text = JSON.stringify(body);
    const previous = attempt.current;
    const key = previous && previous.body === text && !previous.settled ? previous.key : newIdempotencyKey();
    attempt.current = { body: text, key, settled: false };
    setBusy(true);
    setError(null);
    try {
      const receipt = await api<CreditReceipt>("POST", "/v1/organization/billing/credit", {
        body,
        headers: { "Idempotency-Key": key },
      });
      attempt.current = { body: text, key, settled: true };
      onAdded(receipt);
    } catch (exc) {
      // A definite answer (a decline, a refused field) settles the key; a lost one keeps it for the retry.
      const lost = exc instanceof ApiError && (exc.status === 0 || exc.status >= 500);
      attempt.current = { body: text, key, settled: !lost };
      setError(errorMessage(exc));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={submit}>
      <fieldset className="plain">
        <legend>Amount (USD)</legend>
        <div className="presets">
          {presets.map((p) => {
            const label = presetLabel(p);
            return (
              <button
                key={p}
                type="button"
                className={normal === p ? "button small" : "button secondary small"}
                aria-pressed={normal === p}
                onClick={() => setAmount(label.slice(1).replace(/,/g, ""))}
              >
                {label}
              </button>
            );
          })}
        </div>
        <label>
          Custom amount
          <input
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            aria-invalid={problem !== null}
            aria-describedby="amount-help"
          />
        </label>
        <span id="amount-help" className={problem ? "field-error" : "muted field-help"}>
          {problem ?? `From ${presetLabel(balance.min_credit_usd)} to ${presetLabel(balance.max_credit_usd)}.`}
        </span>
      </fieldset>
      <label>
        Payment method
        <select value={method} onChange={(e) => setMethod(e.target.value)}>
          {methods.map((m) => (
            <option key={m.id} value={m.id}>
              {methodLabel(m)}
              {m.is_default ? " (default)" : ""}
            </option>
          ))}
          <option value={NEW_CARD}>+ Add new payment method</option>
        </select>
      </label>
      {method === NEW_CARD ? (
        <>
          <CardFields card={card} onChange={setCard} />
          <p className="muted field-help">The card is saved as a payment method. Only its brand, last four digits, expiry and country are kept.</p>
        </>
      ) : null}
      <ErrorNotice error={error} />
      <FormActions onCancel={onClose} label="Add credit" busy={busy} busyText="Charging…" disabled={normal === null || problem !== null} />
    </form>
  );
}
