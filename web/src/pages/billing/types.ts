// Shapes of /v1/organization/billing answers (see routes_billing.py).

export interface Balance {
  object: "billing.balance";
  balance_micro: number;
  balance_usd: string;
  ledger_micro: number;
  unsettled_usage_micro: number;
  credit_presets_usd: string[];
  min_credit_usd: string;
  max_credit_usd: string;
}

export interface PaymentMethod {
  object: "payment_method";
  id: string;
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  country: string;
  is_default: boolean;
  created_at: number;
}

export interface AutoRecharge {
  object: "billing.auto_recharge";
  enabled: boolean;
  threshold_micro: number;
  threshold_usd: string;
  amount_micro: number;
  amount_usd: string;
  payment_method_id: string | null;
  state: string;
  failures: number;
  next_attempt_at: number | null;
  last_failure_code: string | null;
  last_failure_message: string | null;
  last_failure_at: number | null;
  disabled_reason: string | null;
  disabled_at: number | null;
}

export type HistoryKind = "credit" | "auto_recharge" | "usage" | "refund" | "adjustment";

export interface HistoryEntry {
  object: "billing.history_entry";
  id: string;
  created_at: number;
  date: string;
  kind: HistoryKind;
  description: string;
  amount_micro: number;
  amount: string;
  status: "succeeded" | "settled" | "pending" | "failed" | string;
  counted: boolean;
  model: string | null;
}

export interface HistoryPage {
  object: "list";
  data: HistoryEntry[];
  has_more: boolean;
  next_cursor: string | null;
}

export interface CreditReceipt {
  object: "billing.credit";
  id: string;
  amount_micro: number;
  amount_usd: string;
  status: string;
  payment_method_id: string;
  created_at: number;
  replayed: boolean;
}

/** A card as typed into the checkout form (the API's `card`). */
export interface CardInput {
  number: string;
  exp: string;
  cvc: string;
  country: string;
}
