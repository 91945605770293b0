/** The settings every chart shares: x axis, smoothing, log scale; and the legend of the runs shown. */
import type { XAxisMode } from '../../charts/chart-lines';
import { useChartOptionsStore } from '../../state/chart-options-store';
import type { ChartRunRef } from './metric-chart';

export function ChartToolbar({ runs }: { runs: readonly ChartRunRef[] }) {
  const options = useChartOptionsStore((state) => state.options);
  const setXAxis = useChartOptionsStore((state) => state.setXAxis);
  const setSmoothing = useChartOptionsStore((state) => state.setSmoothing);
  const setLogScale = useChartOptionsStore((state) => state.setLogScale);
  const axes: { id: XAxisMode; label: string }[] = [
    { id: 'step', label: 'Step' },
    { id: 'time', label: 'Time' },
  ];
  return (
    <div className="chart-toolbar" data-testid="chart-toolbar">
      <div className="segmented" role="group" aria-label="X axis">
        {axes.map((axis) => (
          <button
            key={axis.id}
            type="button"
            className={options.xAxis === axis.id ? 'segment active' : 'segment'}
            aria-pressed={options.xAxis === axis.id}
            data-testid={`chart-x-${axis.id}`}
            onClick={() => setXAxis(axis.id)}
          >
            {axis.label}
          </button>
        ))}
      </div>
      <label className="smoothing small" title="Exponential moving average over the training curves; the raw line stays faint underneath. 0 = raw.">
        Smoothing
        <input
          type="range"
          min={0}
          max={0.99}
          step={0.01}
          value={options.smoothing}
          data-testid="chart-smoothing"
          onChange={(event) => setSmoothing(Number(event.target.value))}
        />
        <span className="num mono smoothing-value">{options.smoothing.toFixed(2)}</span>
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={options.logScale} onChange={(event) => setLogScale(event.target.checked)} data-testid="chart-log" />
        Log scale
      </label>
      <span className="grow" />
      <span className="chart-legend small" data-testid="chart-legend">
        {runs.length > 1 &&
          runs.map((run) => (
            <span key={run.runId} className="legend-entry">
              <span className="swatch" style={{ background: run.color }} />
              {run.name}
            </span>
          ))}
        <span className="legend-entry muted">
          <svg width="22" height="8" aria-hidden="true">
            <line x1="0" y1="4" x2="22" y2="4" stroke="currentColor" strokeWidth="1.5" />
          </svg>
          train
        </span>
        <span className="legend-entry muted">
          <svg width="22" height="8" aria-hidden="true">
            <line x1="0" y1="4" x2="22" y2="4" stroke="currentColor" strokeWidth="1.5" strokeDasharray="4 3" />
          </svg>
          eval
        </span>
      </span>
    </div>
  );
}
