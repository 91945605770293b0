/**
 * Hover values for one chart: a cursor line and a small table of each series' value at the
 * nearest step (raw, and smoothed when smoothing is on). Plain DOM over the SVG, so moving the
 * mouse re-renders this layer only. recharts' own Tooltip is not used: it indexes every line's
 * data by the same position, which is wrong once each series is downsampled separately, and it
 * re-renders the whole chart on every mouse move.
 */
import { useState, type MouseEvent } from 'react';
import type { ChartLine, ChartModel, XAxisMode } from '../../charts/chart-lines';
import { hoverRows, xAtFraction, type HoverRow } from '../../charts/chart-hover';
import { formatElapsed, formatValue, type ChartSpec } from '../../charts/chart-specs';
import { CHART_MARGIN, X_AXIS_HEIGHT, Y_AXIS_WIDTH } from './chart-canvas';

export interface ChartHoverLayerProps {
  spec: ChartSpec;
  model: ChartModel;
  width: number;
  height: number;
  xAxis: XAxisMode;
  multipleRuns: boolean;
  smoothedOf(line: ChartLine): Float64Array | null;
}

interface HoverState {
  left: number;
  rows: HoverRow[];
}

export function ChartHoverLayer({ spec, model, width, height, xAxis, multipleRuns, smoothedOf }: ChartHoverLayerProps) {
  const [hover, setHover] = useState<HoverState | null>(null);
  const plotLeft = CHART_MARGIN.left + Y_AXIS_WIDTH;
  const plotWidth = Math.max(1, width - plotLeft - CHART_MARGIN.right);

  function onMove(event: MouseEvent<HTMLDivElement>): void {
    if (!model.xDomain) return;
    const bounds = event.currentTarget.getBoundingClientRect();
    const left = event.clientX - bounds.left;
    if (left < plotLeft || left > plotLeft + plotWidth) {
      setHover(null);
      return;
    }
    const x = xAtFraction(model.xDomain, (left - plotLeft) / plotWidth);
    // About 8 px either side: near enough that the value is the one under the cursor.
    const tolerance = ((model.xDomain[1] - model.xDomain[0]) / plotWidth) * 8;
    setHover({ left, rows: hoverRows(model.lines, x, xAxis, Math.max(tolerance, 0.5), smoothedOf) });
  }

  const flip = hover !== null && hover.left > width * 0.6;
  return (
    <div className="chart-hover" style={{ width, height }} onMouseMove={onMove} onMouseLeave={() => setHover(null)} data-testid={`chart-hover-${spec.id}`}>
      {hover && (
        <>
          <div className="chart-cursor" style={{ left: hover.left, top: CHART_MARGIN.top, height: height - CHART_MARGIN.top - X_AXIS_HEIGHT }} />
          {hover.rows.length > 0 && (
            <div className="chart-tooltip" style={flip ? { right: width - hover.left + 10 } : { left: hover.left + 10 }} data-testid="chart-tooltip">
              <div className="chart-tooltip-x">
                step {hover.rows[0]!.step.toLocaleString()}
                {xAxis === 'time' && <span className="muted"> · {formatElapsed(hover.rows[0]!.x)}</span>}
              </div>
              {hover.rows.map((row) => (
                <div key={row.key} className="chart-tooltip-row">
                  <span className="swatch" style={{ background: row.color }} />
                  <span className="chart-tooltip-name">{multipleRuns ? `${row.runName} · ${row.label}` : row.label}</span>
                  <span className="num">{formatValue(row.smoothed ?? row.value, spec.format)}</span>
                  {row.smoothed !== null && <span className="num muted">raw {formatValue(row.value, spec.format)}</span>}
                </div>
              ))}
            </div>
          )}
        </>
      )}
    </div>
  );
}
