// The Logs page's filters: status, model, key, time range and sort order.
import type { ApiKey } from "../keys/keysApi";
import { fromLocalInput, RANGE_PRESETS, toLocalInput, type LogFilters, type RangePreset } from "./logsQuery";

const STATUS_OPTIONS = ["2xx", "4xx", "5xx", "200", "400", "401", "402", "403", "404", "420", "429", "500", "503"];
const SORTS: { value: string; label: string }[] = [
  { value: "time:desc", label: "Newest first" },
  { value: "time:asc", label: "Oldest first" },
  { value: "latency:desc", label: "Slowest first" },
  { value: "latency:asc", label: "Fastest first" },
];

export function LogFilterBar({
  filters,
  models,
  keys,
  onChange,
}: {
  filters: LogFilters;
  models: string[];
  keys: ApiKey[];
  onChange: (next: LogFilters) => void;
}) {
  const set = (patch: Partial<LogFilters>) => onChange({ ...filters, ...patch });
  const rangeValue = filters.start !== null ? "custom" : (filters.range ?? "");
  const statuses = STATUS_OPTIONS.includes(filters.status) || !filters.status ? STATUS_OPTIONS : [filters.status, ...STATUS_OPTIONS];
  const modelOptions = !filters.model || models.includes(filters.model) ? models : [filters.model, ...models];

  const setRange = (value: string) => {
    if (value === "custom") {
      const now = Math.floor(Date.now() / 1000);
      set({ range: null, start: now - 86400, end: null });
    } else {
      set({ range: (value || null) as RangePreset | null, start: null, end: null });
    }
  };

  return (
    <form className="filters" role="search" aria-label="Filter logs" onSubmit={(e) => e.preventDefault()}>
      <label>
        Status
        <select value={filters.status} onChange={(e) => set({ status: e.target.value })}>
          <option value="">Any status</option>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {s.endsWith("xx") ? `${s} (all)` : s}
            </option>
          ))}
        </select>
      </label>
      <label>
        Model
        <select value={filters.model} onChange={(e) => set({ model: e.target.value })}>
          <option value="">Any model</option>
          {modelOptions.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </label>
      <label>
        API key
        <select value={filters.key} onChange={(e) => set({ key: e.target.value })}>
          <option value="">Any key</option>
          {filters.key && !keys.some((k) => k.id === filters.key) ? <option value={filters.key}>{filters.key.slice(0, 8)}…</option> : null}
          {keys.map((k) => (
            <option key={k.id} value={k.id}>
              {k.name} ({k.redacted_value})
            </option>
          ))}
        </select>
      </label>
      <label>
        Time range
        <select value={rangeValue} onChange={(e) => setRange(e.target.value)}>
          <option value="">Any time</option>
          {RANGE_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
          <option value="custom">Custom…</option>
        </select>
      </label>
      {filters.start !== null ? (
        <>
          <label>
            From
            <input
              type="datetime-local"
              value={toLocalInput(filters.start)}
              onChange={(e) => set({ start: fromLocalInput(e.target.value) ?? filters.start })}
            />
          </label>
          <label>
            To
            <input
              type="datetime-local"
              value={toLocalInput(filters.end)}
              onChange={(e) => set({ end: fromLocalInput(e.target.value) })}
            />
          </label>
        </>
      ) : null}
      <label>
        Sort by
        <select
          value={`${filters.sort}:${filters.order}`}
          onChange={(e) => {
            const [sort, order] = e.target.value.split(":") as [LogFilters["sort"], LogFilters["order"]];
            set({ sort, order });
          }}
        >
          {SORTS.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}
