// Reading the IAB classification model's answer: its output text is a JSON document with
// audience, content (IAB 1.0, 2.2, 3.1), topics, keywords and user intent.

export interface TieredEntry {
  id: number | string;
  name: string;
  score: number;
  /** tier1_name, tier2_name … as deep as the category goes. */
  tiers: string[];
}

export interface Iab1Entry {
  code: string;
  name: string;
  tier: number;
  score: number;
}

export interface Classification {
  audience: TieredEntry[];
  iab_1_0: Iab1Entry[];
  iab_2_2: TieredEntry[];
  iab_3_1: TieredEntry[];
  topics: { name: string; score: number }[];
  keywords: string[];
  userIntent: { name: string; category: string; score: number } | null;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

function str(value: unknown): string {
  return typeof value === "string" ? value : value === undefined || value === null ? "" : String(value);
}

function tiered(entry: Json): TieredEntry {
  const tiers: string[] = [];
  for (let i = 1; typeof entry[`tier${i}_name`] === "string"; i += 1) tiers.push(str(entry[`tier${i}_name`]));
  return {
    id: typeof entry.id === "number" ? entry.id : str(entry.id),
    name: str(entry.name),
    score: num(entry.score),
    tiers,
  };
}

/**
 * The classification in the model's output text.
 * Throws SyntaxError when the text is not JSON, TypeError when it is not an object.
 * Missing parts come back empty rather than failing, so a partial answer still shows.
 */
export function parseClassification(text: string): Classification {
  const data: unknown = JSON.parse(text);
  if (!isObject(data)) throw new TypeError("the classification is not a JSON object");
  const content = isObject(data.content) ? data.content : {};
  const intent = isObject(data.user_intent) ? data.user_intent : null;
  return {
    audience: list(data.audience).map(tiered),
    iab_1_0: list(content.iab_1_0).map((e) => ({ code: str(e.code), name: str(e.name), tier: num(e.tier), score: num(e.score) })),
    iab_2_2: list(content.iab_2_2).map(tiered),
    iab_3_1: list(content.iab_3_1).map(tiered),
    topics: list(data.topics).map((e) => ({ name: str(e.name), score: num(e.score) })),
    keywords: Array.isArray(data.keywords) ? data.keywords.map(str).filter(Boolean) : [],
    userIntent: intent ? { name: str(intent.name), category: str(intent.category), score: num(intent.score) } : null,
  };
}

/** "Sports › Soccer" from a category's tiers (its name alone when it has none). */
export function tierPath(entry: TieredEntry): string {
  return entry.tiers.length > 0 ? entry.tiers.join(" › ") : entry.name;
}

/** A score as the demo shows it: 0.8731 → "0.87". */
export function formatScore(score: number): string {
  return score.toFixed(2);
}

/** The answer pretty-printed for "Copy result" (the text unchanged when it is not JSON). */
export function prettyResult(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
