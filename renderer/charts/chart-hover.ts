/**
 * Hover values: the pixel under the mouse back to an x value (the x axis is linear and its domain
 * is ours), then each line's nearest point at full resolution — not the downsampled one, whose
 * bucket extremes are not the value at that step.
 */
import type { ChartLine, XAxisMode } from './chart-lines';
import { xValues } from './chart-lines';
import { nearestIndex } from './series-buffer';

export interface HoverRow {
  key: string;
  runName: string;
  label: string;
  color: string;
  x: number;
  step: number;
  value: number;
  smoothed: number | null;
}

/** `fraction` is the mouse position across the plot area, 0 (left edge) to 1 (right edge). */
export function xAtFraction(domain: readonly [number, number], fraction: number): number {
  const clamped = Math.min(1, Math.max(0, fraction));
  return domain[0] + clamped * (domain[1] - domain[0]);
}

/**
 * One row per line that has a point near `x` (within `tolerance` in x units; sparse eval series
 * beyond it are left out rather than showing a value from far away).
 */
export function hoverRows(lines: readonly ChartLine[], x: number, mode: XAxisMode, tolerance: number, smoothedOf: (line: ChartLine) => Float64Array | null): HoverRow[] {
  const rows: HoverRow[] = [];
  for (const line of lines) {
    const { buffer } = line;
    const xs = xValues(buffer, mode);
    let index: number;
    if (mode === 'time' || buffer.stepsAscending) {
      index = nearestIndex(xs, buffer.length, x);
    } else {
      // A resumed run repeats steps: scan (rare, and bounded by the series length).
      index = -1;
      let best = Infinity;
      for (let i = 0; i < buffer.length; i += 1) {
        const distance = Math.abs((xs[i] as number) - x);
        if (distance <= best) {
          best = distance;
          index = i;
        }
      }
    }
    if (index < 0 || Math.abs((xs[index] as number) - x) > tolerance) continue;
    const smoothed = smoothedOf(line);
    rows.push({
      key: line.key,
      runName: line.runName,
      label: line.label,
      color: line.color,
      x: xs[index] as number,
      step: buffer.steps[index] as number,
      value: buffer.values[index] as number,
      smoothed: smoothed ? (smoothed[index] as number) : null,
    });
  }
  return rows;
}
