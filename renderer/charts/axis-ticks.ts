/**
 * Y axis domain and ticks, computed here rather than by recharts: with several lines that each
 * carry their own data, recharts' automatic ticks can put a "nice" tick and the domain's raw end
 * a pixel apart (overlapping labels), and its log axis picks ticks that are not powers of ten.
 * The extremes come from the downsampled points, which keep every bucket's min and max, so the
 * range is the full series' range.
 */
import { niceCeil } from './minmax-downsample';

export interface YAxisLayout {
  domain: [number, number];
  ticks: number[];
}

/** Evenly spaced ticks on a 1-2-5 step that cover [min, max]; the domain is their span. */
export function linearAxis(min: number, max: number, targetTicks = 4): YAxisLayout {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { domain: [0, 1], ticks: [0, 0.5, 1] };
  if (max - min < 1e-12 * Math.max(1, Math.abs(max))) {
    // A flat line (a constant learning rate): centre it.
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    return linearAxis(min - pad, max + pad, targetTicks);
  }
  const step = niceCeil((max - min) / Math.max(1, targetTicks - 1));
  const start = Math.floor(min / step) * step;
  const end = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let k = 0; start + k * step <= end + step * 1e-9; k += 1) ticks.push(Number((start + k * step).toPrecision(12)));
  return { domain: [ticks[0] as number, ticks[ticks.length - 1] as number], ticks };
}

/** Powers of ten that cover [min, max] (both > 0); 1-2-5 subdivisions when that is under two decades. */
export function logAxis(min: number, max: number): YAxisLayout {
  if (!(min > 0) || !(max > 0) || !Number.isFinite(min) || !Number.isFinite(max)) return { domain: [0.1, 1], ticks: [0.1, 1] };
  const low = Math.floor(Math.log10(min));
  const high = Math.max(low + 1, Math.ceil(Math.log10(max)));
  const ticks: number[] = [];
  const subdivide = high - low <= 2;
  for (let exponent = low; exponent <= high; exponent += 1) {
    for (const factor of subdivide ? [1, 2, 5] : [1]) {
      const value = Number((factor * 10 ** exponent).toPrecision(12));
      if (exponent === high && factor > 1) break;
      ticks.push(value);
    }
  }
  // Trim ticks outside the data (keeping one on each side) so a small range is not squashed.
  const firstInside = Math.max(0, ticks.findIndex((tick) => tick > min) - 1);
  let lastInside = ticks.length - 1;
  while (lastInside > 0 && (ticks[lastInside - 1] as number) >= max) lastInside -= 1;
  const kept = ticks.slice(firstInside, lastInside + 1);
  return { domain: [kept[0] as number, kept[kept.length - 1] as number], ticks: kept };
}
