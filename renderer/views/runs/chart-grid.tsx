/** The live charts of the shown run and its overlays: those the runs can fill, each empty one saying why. */
import { useChartOptionsStore } from '../../state/chart-options-store';
import { chartsFor, type ChartRunFacts } from './chart-availability';
import { MetricChart, type ChartRunRef } from './metric-chart';

const CHART_HEIGHT = 168;

export function ChartGrid({ runs, facts }: { runs: readonly ChartRunRef[]; facts: readonly ChartRunFacts[] }) {
  const options = useChartOptionsStore((state) => state.options);
  return (
    <div className="chart-grid" data-testid="chart-grid">
      {chartsFor(facts).map(({ spec, emptyHint }) => (
        <MetricChart key={spec.id} spec={spec} emptyHint={emptyHint} runs={runs} options={options} height={CHART_HEIGHT} />
      ))}
    </div>
  );
}
