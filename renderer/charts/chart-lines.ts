/**
 * From the series store to what one chart draws: for every visible run and every series of the
 * chart, the (smoothed) values downsampled to the chart's width, plus the x domain the hover
 * layer needs to turn a pixel back into a step. Pure apart from the smoothing cache it is given.
 */
import type { ChartSpec, SeriesKind } from './chart-specs';
import { minMaxDownsample } from './minmax-downsample';
import type { RunSeries } from './run-series-store';
import type { SeriesBuffer } from './series-buffer';
import type { SmoothedSeriesCache } from './smoothed-series-cache';

export type XAxisMode = 'step' | 'time';

export interface ChartOptions {
  xAxis: XAxisMode;
  /** EMA weight, 0 (raw) to 0.99. */
  smoothing: number;
  logScale: boolean;
}

export interface ChartRun {
  runId: number;
  name: string;
  color: string;
  series: RunSeries;
}

export interface LinePoint {
  x: number;
  y: number;
}

export interface ChartLine {
  key: string;
  runId: number;
  runName: string;
  tag: string;
  label: string;
  kind: SeriesKind;
  color: string;
  /** The raw series: the only line without smoothing, a faint one under the smoothed line with it. */
  raw: LinePoint[];
  smoothed: LinePoint[] | null;
  /** Sparse series (evaluations) get dots so single points are visible. */
  dots: boolean;
  buffer: SeriesBuffer;
}

export interface ChartModel {
  lines: ChartLine[];
  /** Raw points across the chart's series (all of them, before downsampling). */
  pointCount: number;
  /** Points actually handed to recharts. */
  renderedPoints: number;
  xDomain: [number, number] | null;
}

const DOT_THRESHOLD = 60;

function toPoints(xs: ArrayLike<number>, ys: ArrayLike<number>, length: number, logScale: boolean): LinePoint[] {
  const points: LinePoint[] = [];
  for (let i = 0; i < length; i += 1) {
    const y = ys[i] as number;
    // A log axis cannot place 0 or negatives; they are left out rather than clamped to a fake value.
    if (logScale && !(y > 0)) continue;
    points.push({ x: xs[i] as number, y });
  }
  return points;
}

export function xValues(buffer: SeriesBuffer, mode: XAxisMode): Float64Array {
  return mode === 'step' ? buffer.steps : buffer.elapsed;
}

/** `widthPx` is the plot's width; buckets ≈ one per pixel, so ≤ ~2 points per pixel (DESIGN.md). */
export function buildChartModel(spec: ChartSpec, runs: readonly ChartRun[], options: ChartOptions, widthPx: number, cache: SmoothedSeriesCache): ChartModel {
  const buckets = Math.max(16, Math.round(widthPx));
  const lines: ChartLine[] = [];
  let pointCount = 0;
  let renderedPoints = 0;
  let xMin = Infinity;
  let xMax = -Infinity;
  for (const run of runs) {
    for (const seriesSpec of spec.series) {
      const buffer = run.series.get(seriesSpec.tag);
      if (!buffer || buffer.length === 0) continue;
      pointCount += buffer.length;
      const xs = xValues(buffer, options.xAxis);
      for (let i = 0; i < buffer.length; i += 1) {
        const x = xs[i] as number;
        if (x < xMin) xMin = x;
        if (x > xMax) xMax = x;
      }
      const raw = minMaxDownsample({ xs, ys: buffer.values, length: buffer.length }, buckets);
      let smoothed: LinePoint[] | null = null;
      if (options.smoothing > 0 && seriesSpec.kind === 'train') {
        const values = cache.get(`${run.runId}:${seriesSpec.tag}`, buffer, options.smoothing);
        const reduced = minMaxDownsample({ xs, ys: values, length: buffer.length }, buckets);
        smoothed = toPoints(reduced.xs, reduced.ys, reduced.length, options.logScale);
      }
      const rawPoints = toPoints(raw.xs, raw.ys, raw.length, options.logScale);
      renderedPoints += rawPoints.length + (smoothed?.length ?? 0);
      lines.push({
        key: `${run.runId}:${seriesSpec.tag}`,
        runId: run.runId,
        runName: run.name,
        tag: seriesSpec.tag,
        label: seriesSpec.label,
        kind: seriesSpec.kind,
        color: run.color,
        raw: rawPoints,
        smoothed,
        dots: seriesSpec.kind === 'eval' || buffer.length <= DOT_THRESHOLD,
        buffer,
      });
    }
  }
  const xDomain: [number, number] | null = Number.isFinite(xMin) ? [xMin, xMax > xMin ? xMax : xMin + 1] : null;
  return { lines, pointCount, renderedPoints, xDomain };
}
