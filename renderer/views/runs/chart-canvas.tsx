/**
 * The recharts drawing of one chart model: axes, grid and ticks from recharts, the lines from
 * SeriesPaths through the same scales. Memoised: it re-renders only when the model (a new frame's
 * data), the size or the axis settings change — never on hover, which the layer above it handles
 * without touching the SVG. Nothing animates (DESIGN.md: an animated line restarts its tween on
 * every batch and never settles while a run streams).
 */
import { memo } from 'react';
import { CartesianGrid, LineChart, XAxis, YAxis } from 'recharts';
import { linearAxis, logAxis, type YAxisLayout } from '../../charts/axis-ticks';
import type { ChartModel, XAxisMode } from '../../charts/chart-lines';
import { formatElapsed, formatTick, type ChartSpec } from '../../charts/chart-specs';
import { SeriesPaths } from './series-paths';

export const CHART_MARGIN = { top: 6, right: 10, bottom: 0, left: 0 } as const;
export const Y_AXIS_WIDTH = 46;
export const X_AXIS_HEIGHT = 22;

export interface ChartCanvasProps {
  spec: ChartSpec;
  model: ChartModel;
  width: number;
  height: number;
  xAxis: XAxisMode;
  logScale: boolean;
}

function formatStep(value: number): string {
  if (Math.abs(value) >= 10_000) return `${Math.round(value / 1000)}k`;
  if (Math.abs(value) >= 1000) return `${(value / 1000).toFixed(1)}k`;
  return String(Math.round(value));
}

function yLayout(spec: ChartSpec, model: ChartModel, logScale: boolean): YAxisLayout {
  const [min, max] = model.yRange ?? [0, 1];
  if (logScale) return logAxis(min, max);
  if (spec.yDomain) return linearAxis(Math.min(spec.yDomain[0], min), Math.max(spec.yDomain[1], max), 5);
  return linearAxis(min, max, 4);
}

export const ChartCanvas = memo(function ChartCanvas({ spec, model, width, height, xAxis, logScale }: ChartCanvasProps) {
  const y = yLayout(spec, model, logScale);
  return (
    <LineChart width={width} height={height} margin={CHART_MARGIN}>
      <CartesianGrid vertical={false} horizontalValues={y.ticks} className="chart-gridlines" />
      <XAxis
        type="number"
        dataKey="x"
        domain={model.xDomain ?? [0, 1]}
        allowDataOverflow
        height={X_AXIS_HEIGHT}
        tickCount={5}
        tickLine={false}
        className="chart-axis"
        tickFormatter={(value: number) => (xAxis === 'step' ? formatStep(value) : formatElapsed(value))}
      />
      <YAxis
        type="number"
        dataKey="y"
        width={Y_AXIS_WIDTH}
        scale={logScale ? 'log' : 'linear'}
        domain={y.domain}
        ticks={y.ticks}
        allowDataOverflow
        interval={0}
        tickLine={false}
        className="chart-axis"
        tickFormatter={(value: number) => formatTick(value, spec.format)}
      />
      <SeriesPaths lines={model.lines} logScale={logScale} />
    </LineChart>
  );
});
