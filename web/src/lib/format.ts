// Formatting of the numbers the dashboard shows: money, token counts, latencies and dates.
// Pure functions (no React, no DOM) so they are unit-tested and shared by every page.

const MICROS_PER_DOLLAR = 1_000_000;

/**
 * Money from micro-dollars (1 USD = 1,000,000 micros), e.g. `5000000` → "$5.00".
 * Amounts under a cent keep enough digits to stay non-zero ("$0.0042"); negatives get a leading
 * minus ("-$1.50"). With `signed`, positives get a "+" ("+$5.00", as in billing history).
 */
export function formatUsd(micro: number, options: { signed?: boolean } = {}): string {
  if (!Number.isFinite(micro)) return "—";
  const dollars = Math.abs(micro) / MICROS_PER_DOLLAR;
  let digits = 2;
  if (dollars > 0 && dollars < 0.01) {
    // Show two significant digits of a sub-cent amount, at most six decimals (one micro).
    digits = Math.min(6, Math.max(2, 1 - Math.floor(Math.log10(dollars)) + 1));
  }
  const body = dollars.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: digits });
  const sign = micro < 0 ? "-" : options.signed && micro > 0 ? "+" : "";
  return `${sign}$${body}`;
}

/** Money from a decimal USD string as the API sends it ("5.00", "-0.0042") → "$5.00". */
export function formatUsdString(usd: string, options: { signed?: boolean } = {}): string {
  const value = Number(usd);
  if (usd.trim() === "" || !Number.isFinite(value)) return "—";
  return formatUsd(Math.round(value * MICROS_PER_DOLLAR), options);
}

/** Convert a decimal USD string or number of dollars to micro-dollars (rounded to one micro). */
export function usdToMicros(usd: string | number): number {
  const value = typeof usd === "number" ? usd : Number(usd);
  if (!Number.isFinite(value)) throw new RangeError(`not an amount: ${String(usd)}`);
  return Math.round(value * MICROS_PER_DOLLAR);
}

function compact(value: number, unit: string): string {
  const text = value >= 100 ? value.toFixed(0) : value.toFixed(1);
  return `${text.replace(/\.0$/, "")}${unit}`;
}

/** Token counts: 999 → "999", 1234 → "1.2K", 3_400_000 → "3.4M", 2.5e9 → "2.5B". */
export function formatTokens(n: number): string {
  if (!Number.isFinite(n)) return "—";
  const sign = n < 0 ? "-" : "";
  const abs = Math.abs(n);
  if (abs < 1000) return sign + String(Math.round(abs));
  // Three-digit values show no decimals, so 999_500 already rounds to "1M" rather than "1000K".
  if (abs < 999_500) return sign + compact(abs / 1e3, "K");
  if (abs < 999_500_000) return sign + compact(abs / 1e6, "M");
  return sign + compact(abs / 1e9, "B");
}

/** A plain count with thousands separators: 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return "—";
  return Math.round(n).toLocaleString("en-US");
}

/** Latencies: 0.4 → "0.4 ms", 12.3 → "12 ms", 1320 → "1.3 s", 65000 → "65 s". */
export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1) return `${ms.toFixed(1).replace(/\.0$/, "")} ms`;
  if (ms < 999.5) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 9.95) return `${seconds.toFixed(1)} s`;
  return `${Math.round(seconds)} s`;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** A date in the viewer's time zone, "2026-03-11", from Unix seconds. */
export function formatDate(unixSeconds: number): string {
  if (!Number.isFinite(unixSeconds)) return "—";
  const d = new Date(unixSeconds * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Date and time in the viewer's time zone, "2026-03-11 15:12:47", from Unix seconds. */
export function formatDateTime(unixSeconds: number): string {
  if (!Number.isFinite(unixSeconds)) return "—";
  const d = new Date(unixSeconds * 1000);
  return `${formatDate(unixSeconds)} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** How long ago, "just now" / "5 min ago" / "3 h ago" / "2 d ago", from Unix seconds; "Never" for null. */
export function formatRelative(unixSeconds: number | null | undefined, nowSeconds: number = Date.now() / 1000): string {
  if (unixSeconds === null || unixSeconds === undefined) return "Never";
  const age = Math.max(0, nowSeconds - unixSeconds);
  if (age < 60) return "just now";
  if (age < 3600) return `${Math.floor(age / 60)} min ago`;
  if (age < 86400) return `${Math.floor(age / 3600)} h ago`;
  if (age < 86400 * 60) return `${Math.floor(age / 86400)} d ago`;
  return formatDate(unixSeconds);
}

/** A share as a percentage: 0.1234 → "12.3%". */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return "—";
  const pct = fraction * 100;
  return `${pct >= 10 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)}%`;
}
