// A bar chart in plain SVG: one bar per bucket, optionally stacked series, labelled for screen
// readers, and each bar a button when `onSelect` is given (click, Enter or Space).
import { useLayoutEffect, useRef, useState, type KeyboardEvent } from "react";
import { labelStride, scaleY, ticks } from "./scale";

export interface Series {
  name: string;
  /** CSS colour of the series' bars and legend swatch. */
  color: string;
  values: number[];
}

const HEIGHT = 180;
const AXIS = 44; // room for y labels on the left
const BOTTOM = 22; // room for x labels

export function BarChart({
  title,
  labels,
  series,
  formatValue,
  describeBar,
  onSelect,
}: {
  title: string;
  /** One x label per bar. */
  labels: string[];
  series: Series[];
  formatValue: (value: number) => string;
  /** Accessible name of bar `i`, e.g. "10:00, 42 requests". */
  describeBar: (index: number) => string;
  onSelect?: (index: number) => void;
}) {
  // Draw at the figure's real pixel width so text stays 11 px from phone to desktop.
  const figure = useRef<HTMLElement>(null);
  const [width, setWidth] = useState(720);
  useLayoutEffect(() => {
    const element = figure.current;
    if (!element) return;
    // Measured before the first paint, so the chart is drawn once at the right width.
    if (element.clientWidth > 0) setWidth(Math.max(240, element.clientWidth));
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver((entries) => {
      const measured = Math.round(entries[0]?.contentRect.width ?? 0);
      if (measured > 0) setWidth(Math.max(240, measured));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const count = labels.length;
  const totals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const axis = ticks(Math.max(0, ...totals), 4, true);
  const top = axis[axis.length - 1] ?? 1;
  const plot = width - AXIS;
  const slot = count > 0 ? plot / count : plot;
  const barWidth = Math.max(1, Math.min(40, slot * 0.72));
  const longest = labels.reduce((n, label) => Math.max(n, label.length), 0);
  const stride = labelStride(count, Math.max(2, Math.floor(plot / (longest * 7 + 16))));

  const onKey = (event: KeyboardEvent<SVGGElement>, index: number) => {
    if (onSelect && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      onSelect(index);
    }
  };

  return (
    <figure className="chart" ref={figure}>
      <figcaption className="chart-title">{title}</figcaption>
      {series.length > 1 ? (
        <ul className="chart-legend">
          {series.map((s) => (
            <li key={s.name}>
              <span className="swatch" style={{ background: s.color }} aria-hidden="true" />
              {s.name}
            </li>
          ))}
        </ul>
      ) : null}
      <svg
        viewBox={`0 0 ${width} ${HEIGHT + BOTTOM}`}
        height={HEIGHT + BOTTOM}
        className="chart-svg"
        role="group"
        aria-label={title}
      >
        {axis.map((tick) => {
          const y = HEIGHT - scaleY(tick, top, HEIGHT - 8);
          return (
            <g key={tick} aria-hidden="true">
              <line x1={AXIS} x2={width} y1={y} y2={y} className="chart-grid" />
              <text x={AXIS - 6} y={y + 4} textAnchor="end" className="chart-axis">
                {formatValue(tick)}
              </text>
            </g>
          );
        })}
        {labels.map((label, i) => {
          const x = AXIS + slot * i + (slot - barWidth) / 2;
          let base = HEIGHT;
          return (
            <g
              key={i}
              className={onSelect ? "chart-bar selectable" : "chart-bar"}
              role={onSelect ? "button" : "img"}
              tabIndex={onSelect ? 0 : undefined}
              aria-label={describeBar(i)}
              onClick={onSelect ? () => onSelect(i) : undefined}
              onKeyDown={(e) => onKey(e, i)}
            >
              <title>{describeBar(i)}</title>
              {/* A full-height hit area so thin or empty buckets can still be clicked. */}
              <rect x={AXIS + slot * i} y={0} width={slot} height={HEIGHT} className="chart-hit" />
              {series.map((s) => {
                const h = scaleY(s.values[i] ?? 0, top, HEIGHT - 8);
                base -= h;
                return h > 0 ? <rect key={s.name} x={x} y={base} width={barWidth} height={h} fill={s.color} rx={1.5} /> : null;
              })}
              {i % stride === 0 ? (
                <text x={x + barWidth / 2} y={HEIGHT + 15} textAnchor="middle" className="chart-axis" aria-hidden="true">
                  {label}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
