// Pure helpers of the billing forms: amounts typed by people, card fields, labels.

/**
 * A dollar amount typed by a person ("25", "$25", "12.5", "1,000.00") as the API's decimal string
 * ("25.00", "12.50", "1000.00"); null when it is not a non-negative amount in whole cents.
 */
export function normalizeUsd(text: string): string | null {
  const cleaned = text.trim().replace(/^\$/, "").replace(/,/g, "").trim();
  const match = /^(\d+)(?:\.(\d{0,2}))?$/.exec(cleaned);
  if (!match) return null;
  const whole = String(Number(match[1]));
  return `${whole}.${(match[2] ?? "").padEnd(2, "0")}`;
}

/** Cents of a decimal string as the API writes it ("12.50" → 1250); null when not whole cents. */
export function usdToCents(usd: string): number | null {
  const normal = normalizeUsd(usd);
  if (normal === null) return null;
  const [whole, frac] = normal.split(".");
  return Number(whole) * 100 + Number(frac);
}

/** Why `amount` cannot be bought (words), or null when it is within [min, max]. */
export function amountProblem(amount: string, min: string, max: string): string | null {
  const cents = usdToCents(amount);
  if (cents === null) return "Enter an amount in dollars and cents, such as 25 or 12.50.";
  const low = usdToCents(min);
  const high = usdToCents(max);
  if (low !== null && cents < low) return `The smallest amount is ${presetLabel(min)}.`;
  if (high !== null && cents > high) return `The largest amount is ${presetLabel(max)}.`;
  return null;
}

/** "10.00" → "$10", "12.50" → "$12.50", "10000.00" → "$10,000". */
export function presetLabel(usd: string): string {
  const cents = usdToCents(usd);
  if (cents === null) return `$${usd}`;
  const dollars = Math.floor(cents / 100);
  const rest = cents % 100;
  const whole = dollars.toLocaleString("en-US");
  return rest === 0 ? `$${whole}` : `$${whole}.${String(rest).padStart(2, "0")}`;
}

/** A card number grouped as printed: "4242424242424242" → "4242 4242 4242 4242" (Amex 4-6-5). */
export function groupCardNumber(text: string): string {
  const digits = text.replace(/\D/g, "").slice(0, 19);
  const amex = /^3[47]/.test(digits);
  const groups = amex ? [4, 6, 5] : [4, 4, 4, 4, 3];
  const parts: string[] = [];
  let at = 0;
  for (const size of groups) {
    if (at >= digits.length) break;
    parts.push(digits.slice(at, at + size));
    at += size;
  }
  return parts.join(" ");
}

/** Expiry as typed ("1230", "12/30", "1 / 30") → "12/30"; partial input is kept as typed so far. */
export function formatExpiry(text: string): string {
  const digits = text.replace(/\D/g, "").slice(0, 4);
  if (digits.length <= 2) return digits;
  return `${digits.slice(0, 2)}/${digits.slice(2)}`;
}

/** "visa" → "Visa", "american_express" → "American Express". */
export function brandName(brand: string): string {
  return brand
    .split(/[_\s-]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(" ");
}

/** "Visa •••• 4242, expires 12/2030". */
export function methodLabel(m: { brand: string; last4: string; exp_month: number; exp_year: number }): string {
  return `${brandName(m.brand)} •••• ${m.last4}, expires ${String(m.exp_month).padStart(2, "0")}/${m.exp_year}`;
}

/** A fresh Idempotency-Key for one purchase. */
export function newIdempotencyKey(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
