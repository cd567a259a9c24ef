// Cost calculator: a monthly volume priced at ZeroGPU's model prices (GET /v1/models) beside
// hosted LLMs' list prices (data/llm-prices.json), per month and per year.
import { useMemo, useState } from "react";
import { api } from "../../api/client";
import { LoadState } from "../../components/LoadState";
import { PageHeader } from "../../components/PageHeader";
import priceTable from "../../data/llm-prices.json";
import { formatTokens } from "../../lib/format";
import { useAsync } from "../../lib/useAsync";
import {
  compare,
  DAYS_PER_MONTH,
  parseCount,
  parseUsdMicro,
  rivalsOf,
  volumeFromRequests,
  volumeFromTokens,
  type MonthlyVolume,
  type PriceTable,
} from "./calc";
import { ComparisonTable } from "./ComparisonTable";
import "./calculator.css";

interface ModelCard {
  id: string;
  task: string;
  pricing: { input_per_million_usd: string; output_per_million_usd: string };
}

type Mode = "requests" | "tokens";

const TABLE = priceTable as PriceTable;
const RIVALS = rivalsOf(TABLE);

interface Fields {
  requestsPerDay: string;
  avgInput: string;
  avgOutput: string;
  inputPerMonth: string;
  outputPerMonth: string;
}

const DEFAULTS: Fields = {
  requestsPerDay: "1,000",
  avgInput: "500",
  avgOutput: "50",
  inputPerMonth: "100M",
  outputPerMonth: "10M",
};

/** The month's volume from the form, or the words saying which field is wrong. */
function readVolume(mode: Mode, f: Fields): MonthlyVolume | string {
  const read = (text: string, label: string): number | string => parseCount(text) ?? `${label}: enter a whole number, such as 1,000 or 2.5M.`;
  if (mode === "requests") {
    const values = [read(f.requestsPerDay, "Requests per day"), read(f.avgInput, "Average input tokens"), read(f.avgOutput, "Average output tokens")];
    const bad = values.find((v) => typeof v === "string");
    if (typeof bad === "string") return bad;
    const [r, i, o] = values as number[];
    return volumeFromRequests(r ?? 0, i ?? 0, o ?? 0);
  }
  const values = [read(f.inputPerMonth, "Input tokens per month"), read(f.outputPerMonth, "Output tokens per month")];
  const bad = values.find((v) => typeof v === "string");
  if (typeof bad === "string") return bad;
  const [i, o] = values as number[];
  return volumeFromTokens(i ?? 0, o ?? 0);
}

export default function CalculatorPage() {
  const models = useAsync(() => api<{ data: ModelCard[] }>("GET", "/v1/models").then((r) => r.data), []);
  const [mode, setMode] = useState<Mode>("requests");
  const [fields, setFields] = useState<Fields>(DEFAULTS);
  const [modelId, setModelId] = useState<string>("");

  const model = models.data?.find((m) => m.id === modelId) ?? models.data?.[0] ?? null;
  const volume = useMemo(() => readVolume(mode, fields), [mode, fields]);
  const result = useMemo(() => {
    if (!model || typeof volume === "string") return null;
    const ours = {
      input: parseUsdMicro(model.pricing.input_per_million_usd),
      output: parseUsdMicro(model.pricing.output_per_million_usd),
    };
    const { ours: cost, rows } = compare(volume, ours, RIVALS);
    return { price: ours, cost, rows };
  }, [model, volume]);

  const field = (key: keyof Fields, label: string, hint?: string) => (
    <div className="calc-field">
      <label>
        {label}
        <input
          inputMode="decimal"
          value={fields[key]}
          onChange={(e) => setFields((current) => ({ ...current, [key]: e.target.value }))}
          aria-describedby={hint ? `${key}-hint` : undefined}
        />
      </label>
      {hint ? (
        <span id={`${key}-hint`} className="muted hint">
          {hint}
        </span>
      ) : null}
    </div>
  );

  return (
    <section>
      <PageHeader
        title="Cost calculator"
        subtitle="ZeroGPU against popular hosted LLMs for your monthly volume: cost per month and per year, and what you save."
      />
      <div className="panel">
        <fieldset className="segmented">
          <legend>Volume given as</legend>
          <label>
            <input type="radio" name="mode" checked={mode === "requests"} onChange={() => setMode("requests")} />
            Requests per day
          </label>
          <label>
            <input type="radio" name="mode" checked={mode === "tokens"} onChange={() => setMode("tokens")} />
            Tokens per month
          </label>
        </fieldset>
        <div className="form calc-grid">
          {mode === "requests" ? (
            <>
              {field("requestsPerDay", "Requests per day", `A month is ${DAYS_PER_MONTH} days.`)}
              {field("avgInput", "Average input tokens")}
              {field("avgOutput", "Average output tokens")}
            </>
          ) : (
            <>
              {field("inputPerMonth", "Input tokens per month", "Accepts 2.5M, 1B …")}
              {field("outputPerMonth", "Output tokens per month")}
            </>
          )}
          <label>
            ZeroGPU model
            <select value={model?.id ?? ""} onChange={(e) => setModelId(e.target.value)} disabled={!models.data}>
              {(models.data ?? []).map((m) => (
                <option key={m.id} value={m.id}>
                  {m.id}
                </option>
              ))}
            </select>
          </label>
        </div>
        {typeof volume === "string" ? (
          <p className="notice error" role="alert">
            {volume}
          </p>
        ) : (
          <p className="muted" aria-live="polite">
            {formatTokens(Number(volume.inputTokens))} input and {formatTokens(Number(volume.outputTokens))} output tokens a month.
          </p>
        )}
      </div>
      <LoadState loading={models.loading && !models.data} error={models.error} empty={models.data?.length === 0} emptyText="This server lists no models.">
        {result && model ? <ComparisonTable modelId={model.id} ours={result.price} cost={result.cost} rows={result.rows} /> : null}
      </LoadState>
      <p className="muted small-print">
        Hosted LLM prices are public list prices per million tokens as of {TABLE.as_of} (standard requests, no batch
        or cache discounts); ZeroGPU prices come from this server. Sources:{" "}
        {TABLE.models.map((m, i) => (
          <span key={m.id}>
            {i > 0 ? ", " : null}
            <a href={m.source} rel="noreferrer" target="_blank">
              {m.name}
            </a>
          </span>
        ))}
        .
      </p>
    </section>
  );
}
