// Billing: the credit balance and adding to it, auto recharge, payment methods, and the way to
// the billing history. billing.read to see it; billing.manage to buy or change anything.
import { useState } from "react";
import { Link } from "react-router";
import { useSession } from "../../app/session";
import { LoadState } from "../../components/LoadState";
import { PageHeader } from "../../components/PageHeader";
import { formatDateTime, formatUsd } from "../../lib/format";
import { AddCreditDialog } from "./AddCreditDialog";
import { AutoRechargePanel } from "./AutoRechargePanel";
import { PaymentMethods } from "./PaymentMethods";
import type { CreditReceipt } from "./types";
import { useBilling } from "./useBilling";
import "./billing.css";

export default function BillingPage() {
  const session = useSession();
  const canRead = session.can("billing.read");
  const canManage = session.can("billing.manage");
  const billing = useBilling(session.organization?.id ?? null, canRead);
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState<CreditReceipt | null>(null);

  if (!canRead) {
    return (
      <section>
        <PageHeader title="Billing" />
        <p className="notice muted">Your role in this organization cannot see billing. Ask an owner or admin.</p>
      </section>
    );
  }

  const data = billing.data;
  const last = data?.latest.data[0];
  return (
    <section>
      <PageHeader title="Billing" subtitle="Pay as you go: requests are paid from your credit balance at per-model token prices." />
      <LoadState loading={billing.loading && !data} error={billing.error}>
        {data ? (
          <>
            <section className="panel balance-panel">
              <div>
                <h2 id="balance-title">Credit balance</h2>
                <output className={data.balance.balance_micro <= 0 ? "balance negative" : "balance"} aria-label="Credit balance">
                  {formatUsd(data.balance.balance_micro)}
                </output>
                {data.balance.unsettled_usage_micro > 0 ? (
                  <p className="muted field-help">
                    Includes {formatUsd(-data.balance.unsettled_usage_micro)} of usage not yet settled.
                  </p>
                ) : null}
                {data.balance.balance_micro <= 0 ? (
                  <p className="notice warn">Requests are refused (402) until you add credit.</p>
                ) : null}
              </div>
              {canManage ? (
                <button type="button" className="button" onClick={() => { setAdded(null); setAdding(true); }}>
                  Add to credit balance
                </button>
              ) : null}
            </section>
            {added ? (
              <p className="notice success" role="status">
                Added {formatUsd(added.amount_micro)} to your credit balance.
              </p>
            ) : null}
            <AutoRechargePanel settings={data.recharge} balance={data.balance} methods={data.methods} canManage={canManage} onSaved={billing.reload} />
            <PaymentMethods methods={data.methods} canManage={canManage} onChanged={billing.reload} />
            <section className="panel" aria-labelledby="history-title">
              <div className="panel-head">
                <div>
                  <h2 id="history-title">Billing history</h2>
                  <p className="muted">
                    {last
                      ? `Latest: ${last.description}, ${formatUsd(last.amount_micro, { signed: true })} on ${formatDateTime(last.created_at)}.`
                      : "Credits, auto recharges, usage and refunds."}
                  </p>
                </div>
                <Link className="button secondary" to="/billing/history">
                  Billing history
                </Link>
              </div>
            </section>
            {canManage && adding ? (
              <AddCreditDialog
                open
                balance={data.balance}
                methods={data.methods}
                onClose={() => setAdding(false)}
                onAdded={(receipt) => {
                  setAdding(false);
                  setAdded(receipt);
                  billing.reload();
                }}
              />
            ) : null}
          </>
        ) : null}
      </LoadState>
    </section>
  );
}
