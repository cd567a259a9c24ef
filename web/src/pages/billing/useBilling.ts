// Everything the Billing page shows, loaded together and reloaded after each change.
import { useCallback, useEffect, useState } from "react";
import { api, errorMessage } from "../../api/client";
import type { AutoRecharge, Balance, HistoryPage, PaymentMethod } from "./types";

export interface BillingData {
  balance: Balance;
  methods: PaymentMethod[];
  recharge: AutoRecharge;
  latest: HistoryPage;
}

export function useBilling(organizationId: string | null, enabled: boolean) {
  const [data, setData] = useState<BillingData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (!enabled || !organizationId) {
      setLoading(false);
      return;
    }
    let live = true;
    setLoading(true);
    setError(null);
    Promise.all([
      api<Balance>("GET", "/v1/organization/billing/balance"),
      api<{ data: PaymentMethod[] }>("GET", "/v1/organization/billing/payment_methods"),
      api<AutoRecharge>("GET", "/v1/organization/billing/auto_recharge"),
      api<HistoryPage>("GET", "/v1/organization/billing/history", { query: { limit: 3 } }),
    ])
      .then(([balance, methods, recharge, latest]) => {
        if (live) setData({ balance, methods: methods.data, recharge, latest });
      })
      .catch((exc: unknown) => live && setError(errorMessage(exc)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [organizationId, enabled, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}
