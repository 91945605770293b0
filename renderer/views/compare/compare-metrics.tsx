/** Metrics of A and B side by side with B − A, the difference coloured by whether it is an improvement. */
import { differenceTone, formatDifference, formatMetric, METRIC_ROWS, metricValue } from '../evaluate/metric-format';
import type { EvaluationComparison } from '../../client/contract-types';

const SHOWN = METRIC_ROWS.filter((row) => row.key !== 'scoredItems');

export function CompareMetrics({ comparison }: { comparison: EvaluationComparison }) {
  const a = comparison.a.metrics;
  const b = comparison.b.metrics;
  return (
    <table className="table compare-metrics" data-testid="compare-metrics">
      <thead>
        <tr>
          <th>Metric</th>
          <th className="num">
            <span className="pick-badge pick-a">A</span>
          </th>
          <th className="num">
            <span className="pick-badge pick-b">B</span>
          </th>
          <th className="num">B − A</th>
        </tr>
      </thead>
      <tbody>
        {SHOWN.map((row) => {
          const valueA = metricValue(a, row.key);
          const valueB = metricValue(b, row.key);
          const difference = comparison.difference[row.key] ?? (valueA !== null && valueB !== null ? valueB - valueA : null);
          const tone = differenceTone(difference, row);
          return (
            <tr key={row.key} data-metric={row.key} title={row.title}>
              <td>{row.label}</td>
              <td className="num" data-testid={`metric-a-${row.key}`}>
                {formatMetric(valueA, row.format)}
              </td>
              <td className="num" data-testid={`metric-b-${row.key}`}>
                {formatMetric(valueB, row.format)}
              </td>
              <td className={tone ? `num diff-${tone}` : 'num muted'} data-testid={`metric-diff-${row.key}`}>
                {formatDifference(difference, row.format)}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
