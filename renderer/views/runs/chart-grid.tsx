/** The nine live charts of the shown run and its overlays. */
import { CHART_SPECS } from '../../charts/chart-specs';
import { useChartOptionsStore } from '../../state/chart-options-store';
import { MetricChart, type ChartRunRef } from './metric-chart';

const CHART_HEIGHT = 168;

export function ChartGrid({ runs }: { runs: readonly ChartRunRef[] }) {
  const options = useChartOptionsStore((state) => state.options);
  return (
    <div className="chart-grid" data-testid="chart-grid">
      {CHART_SPECS.map((spec) => (
        <MetricChart key={spec.id} spec={spec} runs={runs} options={options} height={CHART_HEIGHT} />
      ))}
    </div>
  );
}
