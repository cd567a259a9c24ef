// Shares of a whole as labelled horizontal bars (the model distribution), in HTML so it wraps
// at phone width.
import { formatPercent } from "../../lib/format";

export interface Share {
  label: string;
  value: number;
  /** Shown after the percentage, e.g. "1.2K requests". */
  detail: string;
}

export function ShareBars({ title, shares }: { title: string; shares: Share[] }) {
  const total = shares.reduce((sum, s) => sum + s.value, 0);
  return (
    <figure className="chart">
      <figcaption className="chart-title">{title}</figcaption>
      <ul className="share-bars">
        {shares.map((s) => {
          const fraction = total > 0 ? s.value / total : 0;
          return (
            <li key={s.label}>
              <div className="share-label">
                <span>{s.label}</span>
                <span className="muted">
                  {formatPercent(fraction)} · {s.detail}
                </span>
              </div>
              <div
                className="share-track"
                role="meter"
                aria-label={s.label}
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={Math.round(fraction * 100)}
              >
                <div className="share-fill" style={{ width: `${(fraction * 100).toFixed(2)}%` }} />
              </div>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
