// Token usage and latency of one playground run.
import { formatCount, formatLatency } from "../../lib/format";
import type { RunResult } from "./responses";

export function UsageCards({ result }: { result: RunResult }) {
  const items: [string, string][] = [
    ["Input tokens", formatCount(result.usage.input_tokens)],
    ["Output tokens", formatCount(result.usage.output_tokens)],
    ["Total tokens", formatCount(result.usage.total_tokens)],
    ["Round trip", formatLatency(result.latencyMs)],
  ];
  return (
    <div className="cards usage-cards" aria-label="Token usage">
      {items.map(([label, value]) => (
        <div className="card" key={label}>
          <div className="label">{label}</div>
          <div className="value" aria-label={label}>
            {value}
          </div>
        </div>
      ))}
    </div>
  );
}
