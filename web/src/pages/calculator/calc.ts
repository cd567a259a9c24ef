// The cost calculator's arithmetic: a monthly token volume priced per million input and output
// tokens, ZeroGPU against hosted LLMs. Money is integer micro-dollars (bigint), never a float:
// the one rounding is a ceiling per model and month, as the platform bills.

/** Days in the calculator's month when the volume is given per day. */
export const DAYS_PER_MONTH = 30;
export const MONTHS_PER_YEAR = 12;
const MICRO_PER_USD = 1_000_000n;
const TOKENS_PER_MILLION = 1_000_000n;

/** A price in micro-dollars per million input and per million output tokens. */
export interface PricePerMillion {
  input: bigint;
  output: bigint;
}

/** Tokens in one month. */
export interface MonthlyVolume {
  inputTokens: bigint;
  outputTokens: bigint;
}

/** A hosted model to compare against (from `data/llm-prices.json`). */
export interface Rival {
  id: string;
  name: string;
  source: string;
  price: PricePerMillion;
}

export interface Cost {
  monthlyMicro: bigint;
  yearlyMicro: bigint;
}

/** One rival beside ZeroGPU: its cost, what ZeroGPU saves, and by what share. */
export interface Comparison extends Cost {
  rival: Rival;
  savingsMonthlyMicro: bigint;
  savingsYearlyMicro: bigint;
  /** `(rival − ZeroGPU) / rival × 100`; null when the rival costs nothing. Negative when ZeroGPU costs more. */
  percentLess: number | null;
}

/**
 * A decimal USD string ("0.15", "2.5", "10") as micro-dollars.
 * Throws RangeError for anything else (signs, exponents, more than six decimals).
 */
export function parseUsdMicro(text: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,6}))?$/.exec(text.trim());
  if (!match) throw new RangeError(`not a USD amount: ${JSON.stringify(text)}`);
  const whole = BigInt(match[1] ?? "0");
  const fraction = BigInt((match[2] ?? "").padEnd(6, "0"));
  return whole * MICRO_PER_USD + fraction;
}

const SUFFIX: Record<string, number> = { "": 1, k: 1e3, m: 1e6, b: 1e9, t: 1e12 };

/**
 * A count typed by a person: "1500", "1,500", "1 500", "1.5k", "20M", "2B" → a whole number.
 * Returns null for empty, negative or unreadable text; fractions are rounded to the nearest unit.
 */
export function parseCount(text: string): number | null {
  const cleaned = text.trim().replace(/[,_\s]/g, "").toLowerCase();
  const match = /^(\d+(?:\.\d+)?|\.\d+)([kmbt]?)$/.exec(cleaned);
  if (!match) return null;
  const value = Number(match[1]) * (SUFFIX[match[2] ?? ""] ?? 1);
  return Number.isFinite(value) && value <= Number.MAX_SAFE_INTEGER ? Math.round(value) : null;
}

function wholeTokens(value: number, what: string): bigint {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${what} must be a non-negative number`);
  return BigInt(Math.round(value));
}

/** A volume given directly as tokens per month. Throws RangeError for negative or non-finite counts. */
export function volumeFromTokens(inputTokens: number, outputTokens: number): MonthlyVolume {
  return {
    inputTokens: wholeTokens(inputTokens, "input tokens"),
    outputTokens: wholeTokens(outputTokens, "output tokens"),
  };
}

/**
 * A volume given as requests per day times average tokens per request, over a month of
 * `days` days. Throws RangeError for negative or non-finite numbers.
 */
export function volumeFromRequests(
  requestsPerDay: number,
  avgInputTokens: number,
  avgOutputTokens: number,
  days: number = DAYS_PER_MONTH,
): MonthlyVolume {
  const requests = wholeTokens(requestsPerDay, "requests per day") * wholeTokens(days, "days");
  return {
    inputTokens: requests * wholeTokens(avgInputTokens, "average input tokens"),
    outputTokens: requests * wholeTokens(avgOutputTokens, "average output tokens"),
  };
}

/** `ceil(a / b)` for non-negative a and positive b. */
function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** The cost of a month's volume at `price`, in micro-dollars, rounded up once. */
export function monthlyCostMicro(volume: MonthlyVolume, price: PricePerMillion): bigint {
  const numerator = volume.inputTokens * price.input + volume.outputTokens * price.output;
  return ceilDiv(numerator, TOKENS_PER_MILLION);
}

/** Monthly and yearly (12 months) cost. */
export function costOf(volume: MonthlyVolume, price: PricePerMillion): Cost {
  const monthlyMicro = monthlyCostMicro(volume, price);
  return { monthlyMicro, yearlyMicro: monthlyMicro * BigInt(MONTHS_PER_YEAR) };
}

/** How much less `ours` is than `theirs`, in percent (one decimal of precision kept); null when theirs is 0. */
export function percentLess(ours: bigint, theirs: bigint): number | null {
  if (theirs === 0n) return null;
  // Tenths of a percent, in integers, then one division to a number.
  const tenths = ((theirs - ours) * 1000n) / theirs;
  return Number(tenths) / 10;
}

/** ZeroGPU's cost and each rival's beside it, in the rivals' order. */
export function compare(volume: MonthlyVolume, ours: PricePerMillion, rivals: Rival[]): { ours: Cost; rows: Comparison[] } {
  const own = costOf(volume, ours);
  const rows = rivals.map((rival) => {
    const cost = costOf(volume, rival.price);
    return {
      rival,
      ...cost,
      savingsMonthlyMicro: cost.monthlyMicro - own.monthlyMicro,
      savingsYearlyMicro: cost.yearlyMicro - own.yearlyMicro,
      percentLess: percentLess(own.monthlyMicro, cost.monthlyMicro),
    };
  });
  return { ours: own, rows };
}

/** The price table of `data/llm-prices.json`. */
export interface PriceTable {
  as_of: string;
  note: string;
  models: {
    id: string;
    name: string;
    input_per_million_usd: string;
    output_per_million_usd: string;
    source: string;
  }[];
}

/** The rivals of a price table. Throws RangeError when a price is not a decimal USD string. */
export function rivalsOf(table: PriceTable): Rival[] {
  return table.models.map((m) => ({
    id: m.id,
    name: m.name,
    source: m.source,
    price: { input: parseUsdMicro(m.input_per_million_usd), output: parseUsdMicro(m.output_per_million_usd) },
  }));
}

/** Micro-dollars as a number for display (exact up to about nine billion dollars). */
export function microToNumber(micro: bigint): number {
  return Number(micro);
}
