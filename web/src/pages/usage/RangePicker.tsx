// 1 day / 7 days / 30 days / custom, as a group of toggle buttons plus two date inputs.
import { useState } from "react";
import { ErrorNotice } from "../../components/ErrorNotice";
import { fromLocalInput, toLocalInput } from "../logs/logsQuery";
import { PRESETS, rangeSpan, type UsageRange } from "./usageRange";

export function RangePicker({ range, onChange }: { range: UsageRange; onChange: (next: UsageRange) => void }) {
  const [custom, setCustom] = useState(range.kind === "custom");
  const span = rangeSpan(range, Date.now() / 1000);
  const [from, setFrom] = useState(toLocalInput(span.start));
  const [to, setTo] = useState(toLocalInput(span.end));
  const [error, setError] = useState<string | null>(null);

  const apply = () => {
    const start = fromLocalInput(from);
    const end = fromLocalInput(to);
    if (start === null || end === null) return setError("Enter both a start and an end.");
    if (end <= start) return setError("The end must be after the start.");
    setError(null);
    onChange({ kind: "custom", start, end });
  };

  return (
    <div className="range-picker">
      <div className="segmented" role="group" aria-label="Time range">
        {PRESETS.map((p) => (
          <button
            key={p.id}
            type="button"
            aria-pressed={!custom && range.kind === "preset" && range.preset === p.id}
            onClick={() => {
              setCustom(false);
              onChange({ kind: "preset", preset: p.id });
            }}
          >
            {p.label}
          </button>
        ))}
        <button type="button" aria-pressed={custom} onClick={() => setCustom(true)}>
          Custom
        </button>
      </div>
      {custom ? (
        <form
          className="filters custom-range"
          onSubmit={(e) => {
            e.preventDefault();
            apply();
          }}
        >
          <label>
            From
            <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} required />
          </label>
          <label>
            To
            <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} required />
          </label>
          <button type="submit" className="button small">
            Apply
          </button>
          <ErrorNotice error={error} />
        </form>
      ) : null}
    </div>
  );
}
