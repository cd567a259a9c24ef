// Axis arithmetic for the dashboard's small SVG charts.

/** The smallest "nice" number (1, 2, 2.5, 5 × 10^k) at or above `value`; 1 for 0 or less. */
export function niceCeil(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= value - power * 1e-9) return step * power;
  }
  return 10 * power;
}

/** `count + 1` evenly spaced ticks from 0 to a nice maximum covering `max`; with `integer`,
 * steps are whole numbers (for counts: no "0.25 requests"). */
export function ticks(max: number, count = 4, integer = false): number[] {
  const step = niceCeil(max / count);
  const top = (integer ? Math.max(1, Math.ceil(step)) : step) * count;
  return Array.from({ length: count + 1 }, (_, i) => (top / count) * i);
}

/** Pixel height of `value` on an axis from 0 to `top` drawn `height` pixels tall. */
export function scaleY(value: number, top: number, height: number): number {
  if (top <= 0) return 0;
  return Math.max(0, Math.min(height, (value / top) * height));
}

/** Which of `total` labels to print so that at most `room` show, evenly spread. */
export function labelStride(total: number, room: number): number {
  if (total <= room || room <= 0) return 1;
  return Math.ceil(total / room);
}
