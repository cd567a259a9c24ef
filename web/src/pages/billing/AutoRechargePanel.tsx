// The "Auto recharge" panel: on or off, the threshold, the amount and the payment method, and why
// it turned itself off when it did.
import { useEffect, useState, type FormEvent } from "react";
import { api } from "../../api/client";
import { ErrorNotice } from "../../components/ErrorNotice";
import { FormActions } from "../../components/FormActions";
import { formatDateTime, formatUsd } from "../../lib/format";
import { useAction } from "../../lib/useAction";
import { amountProblem, methodLabel, normalizeUsd, presetLabel } from "./money";
import type { AutoRecharge, Balance, PaymentMethod } from "./types";

const DEFAULT_METHOD = "";

function initial(settings: AutoRecharge, balance: Balance) {
  return {
    enabled: settings.enabled,
    threshold: settings.threshold_micro > 0 ? settings.threshold_usd : "5.00",
    amount: settings.amount_micro > 0 ? settings.amount_usd : (balance.credit_presets_usd[1] ?? "25.00"),
    method: settings.payment_method_id ?? DEFAULT_METHOD,
  };
}

export function AutoRechargePanel({
  settings,
  balance,
  methods,
  canManage,
  onSaved,
}: {
  settings: AutoRecharge;
  balance: Balance;
  methods: PaymentMethod[];
  canManage: boolean;
  onSaved: () => void;
}) {
  const [form, setForm] = useState(() => initial(settings, balance));
  const [saved, setSaved] = useState<string | null>(null);
  const { busy, error, setError, run } = useAction();
  useEffect(() => setForm(initial(settings, balance)), [settings, balance]);

  const thresholdOk = normalizeUsd(form.threshold) !== null;
  const amountIssue = amountProblem(form.amount, balance.min_credit_usd, balance.max_credit_usd);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const threshold = normalizeUsd(form.threshold);
    const amount = normalizeUsd(form.amount);
    if (threshold === null || amount === null || amountIssue) {
      setError(amountIssue ?? "Enter the threshold in dollars and cents, such as 5 or 2.50.");
      return;
    }
    setSaved(null);
    await run(async () => {
      const result = await api<AutoRecharge>("PUT", "/v1/organization/billing/auto_recharge", {
        body: { enabled: form.enabled, threshold_usd: threshold, amount_usd: amount, payment_method_id: form.method || null },
      });
      setSaved(
        result.enabled
          ? `Saved: when the balance falls below ${formatUsd(result.threshold_micro)}, ${formatUsd(result.amount_micro)} is added.`
          : "Saved: auto recharge is off.",
      );
      onSaved();
    });
  };

  return (
    <section className="panel" aria-labelledby="recharge-title">
      <h2 id="recharge-title">Auto recharge</h2>
      <p className="muted">Top up your credit balance automatically when it falls below a threshold.</p>
      {settings.disabled_reason ? (
        <p className="notice warn">
          Auto recharge turned itself off{settings.disabled_at ? ` on ${formatDateTime(settings.disabled_at)}` : ""}: {settings.disabled_reason}
          {settings.last_failure_message ? ` (last failure: ${settings.last_failure_message})` : ""}
        </p>
      ) : settings.enabled && settings.last_failure_message ? (
        <p className="notice warn">The last recharge failed: {settings.last_failure_message} It will be tried again.</p>
      ) : null}
      {!canManage ? (
        <p>
          {settings.enabled
            ? `On: below ${formatUsd(settings.threshold_micro)}, ${formatUsd(settings.amount_micro)} is added.`
            : "Off."}
        </p>
      ) : (
        <form className="form recharge-form" onSubmit={submit}>
          <label className="switch">
            <input
              type="checkbox"
              role="switch"
              checked={form.enabled}
              onChange={(e) => setForm({ ...form, enabled: e.target.checked })}
            />
            <span>Enable auto recharge</span>
          </label>
          <div className="recharge-fields">
            <label>
              When the balance falls below (USD)
              <input inputMode="decimal" value={form.threshold} aria-invalid={!thresholdOk} onChange={(e) => setForm({ ...form, threshold: e.target.value })} />
            </label>
            <label>
              Recharge amount (USD)
              <input inputMode="decimal" value={form.amount} aria-invalid={amountIssue !== null} onChange={(e) => setForm({ ...form, amount: e.target.value })} />
            </label>
            <label>
              Charge
              <select value={form.method} onChange={(e) => setForm({ ...form, method: e.target.value })}>
                <option value={DEFAULT_METHOD}>The default payment method</option>
                {methods.map((m) => (
                  <option key={m.id} value={m.id}>
                    {methodLabel(m)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {form.enabled && methods.length === 0 ? (
            <p className="notice warn">Add a payment method first: auto recharge charges a saved card.</p>
          ) : null}
          {amountIssue ? <p className="field-error">{amountIssue}</p> : null}
          <ErrorNotice error={error} />
          {saved ? (
            <p className="notice success" role="status">
              {saved}
            </p>
          ) : null}
          <FormActions
            before={
              <span className="muted field-help">
                Amount from {presetLabel(balance.min_credit_usd)} to {presetLabel(balance.max_credit_usd)}.
              </span>
            }
            label="Save auto recharge"
            busy={busy}
            busyText="Saving…"
          />
        </form>
      )}
    </section>
  );
}
