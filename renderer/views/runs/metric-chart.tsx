/**
 * One live chart. Its points never pass through React state: the series store holds them, and a
 * redraw — scheduled through the frame scheduler, so at most once per animation frame and spread
 * over frames when many charts are due — builds a small model (downsampled to this chart's
 * width) and commits it with flushSync so the scheduler can measure what it cost.
 *
 * `data-points` (raw points across the chart's series) and `data-rendered-points` (what recharts
 * got) are what the e2e test and the benchmark read.
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { buildChartModel, type ChartLine, type ChartModel, type ChartOptions, type ChartRun } from '../../charts/chart-lines';
import { formatValue, type ChartSpec } from '../../charts/chart-specs';
import { chartScheduler, seriesStore } from '../../charts/series-store-instance';
import { ChartCache } from '../../charts/chart-cache';
import { useElementWidth } from '../../hooks/use-element-width';
import { ChartCanvas, CHART_MARGIN, Y_AXIS_WIDTH } from './chart-canvas';
import { ChartHoverLayer } from './chart-hover-layer';

export interface ChartRunRef {
  runId: number;
  name: string;
  color: string;
}

export interface MetricChartProps {
  spec: ChartSpec;
  /** What the chart says while it has no point (chart-availability.ts fits it to the run). */
  emptyHint: string;
  runs: readonly ChartRunRef[];
  options: ChartOptions;
  height: number;
}

function drawSignature(spec: ChartSpec, runs: readonly ChartRunRef[], options: ChartOptions, width: number): string {
  let signature = `${width}|${options.xAxis}|${options.smoothing}|${options.logScale}`;
  for (const ref of runs) {
    const series = seriesStore.peek(ref.runId);
    signature += `|${ref.runId}:${ref.color}:${series?.loadState ?? 'none'}`;
    for (const seriesSpec of spec.series) signature += `:${series?.get(seriesSpec.tag)?.version ?? -1}`;
  }
  return signature;
}

const EMPTY_MODEL: ChartModel = { lines: [], pointCount: 0, renderedPoints: 0, xDomain: null, yRange: null, options: { xAxis: 'step', smoothing: 0, logScale: false } };

export function MetricChart({ spec, emptyHint, runs, options, height }: MetricChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const width = useElementWidth(box);
  const [cache] = useState(() => new ChartCache());
  const [model, setModel] = useState<ChartModel>(EMPTY_MODEL);
  const [loading, setLoading] = useState(true);
  const taskKey = `${spec.id}:${useId()}`;
  const latest = useRef({ runs, options, width });
  latest.current = { runs, options, width };
  /** Off-screen charts skip their redraws and catch up when scrolled into view. */
  const visible = useRef(true);
  const drawnSignature = useRef('');

  const redraw = useCallback(() => {
    const current = latest.current;
    if (current.width <= 0 || !visible.current) return;
    // Only this chart's series count: a batch that touched other tags (eval loss between
    // evaluations) costs this chart nothing.
    const signature = drawSignature(spec, current.runs, current.options, current.width);
    if (signature === drawnSignature.current) return;
    drawnSignature.current = signature;
    const chartRuns: ChartRun[] = [];
    let stillLoading = false;
    for (const ref of current.runs) {
      const series = seriesStore.peek(ref.runId);
      if (!series) {
        stillLoading = true;
        continue;
      }
      if (series.loadState === 'loading' || series.loadState === 'idle') stillLoading = true;
      chartRuns.push({ ...ref, series });
    }
    const plotWidth = current.width - CHART_MARGIN.left - CHART_MARGIN.right - Y_AXIS_WIDTH;
    const next = buildChartModel(spec, chartRuns, current.options, plotWidth, cache);
    flushSync(() => {
      setModel(next);
      setLoading(stillLoading && next.pointCount === 0);
    });
  }, [spec, cache]);

  const runsKey = runs.map((run) => `${run.runId}:${run.color}:${run.name}`).join('|');
  useEffect(() => {
    chartScheduler.schedule(taskKey, redraw);
  }, [taskKey, redraw, runsKey, options, width]);

  useEffect(
    () =>
      seriesStore.subscribe((runId) => {
        if (latest.current.runs.some((run) => run.runId === runId)) chartScheduler.schedule(taskKey, redraw);
      }),
    [taskKey, redraw],
  );
  useEffect(() => () => chartScheduler.cancel(taskKey), [taskKey]);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new IntersectionObserver(
      (entries) => {
        const entry = entries[entries.length - 1];
        if (!entry) return;
        visible.current = entry.isIntersecting;
        if (entry.isIntersecting) chartScheduler.schedule(taskKey, redraw);
      },
      { rootMargin: '200px 0px' },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [taskKey, redraw]);

  const smoothedOf = useCallback(
    (line: ChartLine) => (line.smoothed && model.options.smoothing > 0 ? cache.smoothed.get(line.key, line.buffer, model.options.smoothing) : null),
    [cache, model.options.smoothing],
  );

  const latestValues = useMemo(
    () =>
      model.lines
        .filter((line) => line.buffer.length > 0)
        .map((line) => ({ key: line.key, color: line.color, label: line.label, value: line.buffer.lastValue() ?? Number.NaN, kind: line.kind })),
    [model],
  );

  return (
    <section className="metric-chart" data-testid={`chart-${spec.id}`} data-points={model.pointCount} data-rendered-points={model.renderedPoints} data-lines={model.lines.length}>
      <header className="metric-chart-header">
        <h3 className="metric-chart-title">
          {spec.title}
          {spec.unit && <span className="muted"> ({spec.unit})</span>}
        </h3>
        <span className="metric-chart-latest">
          {runs.length === 1 &&
            latestValues.map((entry) => (
              <span key={entry.key} className={entry.kind === 'eval' ? 'latest eval' : 'latest'} title={`latest ${entry.label}`}>
                {latestValues.length > 1 && <span className="muted">{entry.label} </span>}
                {formatValue(entry.value, spec.format)}
              </span>
            ))}
        </span>
      </header>
      <div className="metric-chart-body" ref={box} style={{ height }}>
        {width > 0 && model.pointCount > 0 && (
          <>
            <ChartCanvas spec={spec} model={model} width={width} height={height} xAxis={model.options.xAxis} logScale={model.options.logScale} />
            <ChartHoverLayer spec={spec} model={model} width={width} height={height} xAxis={model.options.xAxis} multipleRuns={runs.length > 1} smoothedOf={smoothedOf} />
          </>
        )}
        {model.pointCount === 0 && <p className="metric-chart-empty muted small">{loading ? 'Loading…' : emptyHint}</p>}
      </div>
    </section>
  );
}
