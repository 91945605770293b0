/**
 * From the series store to what one chart draws: for every visible run and every series of the
 * chart, the (smoothed) values downsampled to the chart's width, plus the x domain the hover
 * layer needs to turn a pixel back into a step. Pure apart from the smoothing cache it is given.
 */
import type { ChartSpec, SeriesKind } from './chart-specs';
import type { ChartCache } from './chart-cache';
import type { DownsampledSeries } from './minmax-downsample';
import type { RunSeries } from './run-series-store';
import type { SeriesBuffer } from './series-buffer';

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

export interface ChartLine {
  key: string;
  runId: number;
  runName: string;
  tag: string;
  label: string;
  kind: SeriesKind;
  color: string;
  /**
   * The raw series, downsampled: the only line without smoothing, a faint one under the smoothed
   * line with it. Typed arrays, not point objects: they go straight into an SVG path string.
   */
  raw: DownsampledSeries;
  smoothed: DownsampledSeries | null;
  /** A few evaluations get dots (their dashed line alone hides where the evaluations were). */
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
  /** Lowest and highest y drawn (raw and smoothed), for the axis; null when nothing is drawn. */
  yRange: [number, number] | null;
  /**
   * The settings the model was built with. The chart draws with these, not with the current
   * ones: for one frame after a toggle the two differ, and a linear model on a log axis puts
   * negative values at NaN.
   */
  options: ChartOptions;
}

const DOT_THRESHOLD = 60;

interface Range {
  min: number;
  max: number;
}

/** Widens `range` by the drawable y values; returns how many there are. */
function extendY(series: DownsampledSeries, logScale: boolean, range: Range): number {
  let drawable = 0;
  for (let i = 0; i < series.length; i += 1) {
    const y = series.ys[i] as number;
    // A log axis cannot place 0 or negatives; the path skips them rather than clamping to a fake value.
    if (logScale && !(y > 0)) continue;
    if (!Number.isFinite(y)) continue;
    if (y < range.min) range.min = y;
    if (y > range.max) range.max = y;
    drawable += 1;
  }
  return drawable;
}

export function xValues(buffer: SeriesBuffer, mode: XAxisMode): Float64Array {
  return mode === 'step' ? buffer.steps : buffer.elapsed;
}

/**
 * The x range of everything a run recorded, not just this chart's series: every chart of the
 * run then shares one x axis (eval loss starting at its first evaluation would otherwise stretch
 * differently from train loss, and the eye compares charts by position).
 */
function extendByRun(run: RunSeries, mode: XAxisMode, range: { min: number; max: number }): void {
  for (const buffer of run.series.values()) {
    if (buffer.length === 0) continue;
    const xs = xValues(buffer, mode);
    if (mode === 'time' || buffer.stepsAscending) {
      range.min = Math.min(range.min, xs[0] as number);
      range.max = Math.max(range.max, xs[buffer.length - 1] as number);
      continue;
    }
    for (let i = 0; i < buffer.length; i += 1) {
      const x = xs[i] as number;
      if (x < range.min) range.min = x;
      if (x > range.max) range.max = x;
    }
  }
}

/** `widthPx` is the plot's width; buckets ≈ one per pixel, so ≤ ~2 points per pixel (DESIGN.md). */
export function buildChartModel(spec: ChartSpec, runs: readonly ChartRun[], options: ChartOptions, widthPx: number, cache: ChartCache): ChartModel {
  const buckets = Math.max(16, Math.round(widthPx));
  const lines: ChartLine[] = [];
  let pointCount = 0;
  let renderedPoints = 0;
  const xRange: Range = { min: Infinity, max: -Infinity };
  const yRange: Range = { min: Infinity, max: -Infinity };
  for (const run of runs) {
    let drawn = false;
    for (const seriesSpec of spec.series) {
      const buffer = run.series.get(seriesSpec.tag);
      if (!buffer || buffer.length === 0) continue;
      drawn = true;
      pointCount += buffer.length;
      const xs = xValues(buffer, options.xAxis);
      const key = `${run.runId}:${seriesSpec.tag}`;
      const raw = cache.downsampler(`${key}:${options.xAxis}:raw`).update(buffer, { xs, ys: buffer.values, length: buffer.length }, buckets);
      let smoothed: DownsampledSeries | null = null;
      if (options.smoothing > 0 && seriesSpec.kind === 'train' && seriesSpec.smooth !== false) {
        const values = cache.smoothed.get(key, buffer, options.smoothing);
        const source = cache.smoothed.source(key) ?? buffer;
        smoothed = cache.downsampler(`${key}:${options.xAxis}:smoothed`).update(source, { xs, ys: values, length: buffer.length }, buckets);
        renderedPoints += extendY(smoothed, options.logScale, yRange);
      }
      const rawDrawn = extendY(raw, options.logScale, yRange);
      renderedPoints += rawDrawn;
      lines.push({
        key,
        runId: run.runId,
        runName: run.name,
        tag: seriesSpec.tag,
        label: seriesSpec.label,
        kind: seriesSpec.kind,
        color: run.color,
        raw,
        smoothed,
        // A single point draws no line at all, so it always gets a dot.
        dots: (seriesSpec.kind === 'eval' && rawDrawn <= DOT_THRESHOLD) || rawDrawn <= 2,
        buffer,
      });
    }
    if (drawn) extendByRun(run.series, options.xAxis, xRange);
  }
  const xDomain: [number, number] | null = Number.isFinite(xRange.min) ? [xRange.min, xRange.max > xRange.min ? xRange.max : xRange.min + 1] : null;
  return { lines, pointCount, renderedPoints, xDomain, yRange: Number.isFinite(yRange.min) ? [yRange.min, yRange.max] : null, options };
}
