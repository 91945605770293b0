/**
 * The two runs' training curves overlaid, in A's and B's colours: the Runs view's own charts
 * (series store, min/max downsampling, hover), fed with the two runs instead of the shown one.
 */
import { useEffect, useMemo } from 'react';
import { CHART_SPECS } from '../../charts/chart-specs';
import { connectSeriesStore, ensureRunMetrics } from '../../charts/series-store-instance';
import { useStudioClient } from '../../client/client-context';
import { useChartOptionsStore } from '../../state/chart-options-store';
import { MetricChart, type ChartRunRef } from '../runs/metric-chart';
import { COLOR_A, COLOR_B } from './compare-colors';
import type { EvaluationComparison } from '../../client/contract-types';

const CURVE_IDS = ['loss', 'accuracy', 'margin'];
const CURVE_SPECS = CHART_SPECS.filter((spec) => CURVE_IDS.includes(spec.id));
const CURVE_HEIGHT = 120;

export function CompareCurves({ comparison }: { comparison: EvaluationComparison }) {
  const client = useStudioClient();
  const options = useChartOptionsStore((state) => state.options);
  const { a, b } = comparison;
  const runs = useMemo<ChartRunRef[]>(
    () => (a.runId === b.runId ? [{ runId: a.runId, name: a.runName, color: COLOR_A }] : [
      { runId: a.runId, name: `A · ${a.runName}`, color: COLOR_A },
      { runId: b.runId, name: `B · ${b.runName}`, color: COLOR_B },
    ]),
    [a.runId, a.runName, b.runId, b.runName],
  );

  useEffect(() => connectSeriesStore(client), [client]);
  useEffect(() => {
    ensureRunMetrics(client, a.runId);
    ensureRunMetrics(client, b.runId);
  }, [client, a.runId, b.runId]);

  return (
    <div className="compare-curves" data-testid="compare-curves">
      {CURVE_SPECS.map((spec) => (
        <MetricChart key={spec.id} spec={spec} emptyHint={spec.emptyHint} runs={runs} options={options} height={CURVE_HEIGHT} />
      ))}
    </div>
  );
}
