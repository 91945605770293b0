/** The training settings that differ between the two runs (only those); same run: says so. */
import type { EvaluationComparison } from '../../client/contract-types';
import { SideTag } from './side-tag';

function show(value: unknown): string {
  if (value === undefined) return '(not set)';
  if (value === null) return 'null';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export function ConfigDiff({ comparison }: { comparison: EvaluationComparison }) {
  const sameRun = comparison.a.runId === comparison.b.runId;
  if (comparison.configDiff.length === 0) {
    return (
      <p className="small muted" data-testid="config-diff-empty">
        {sameRun ? 'Both checkpoints come from the same run: one config.' : 'The two runs were trained with the same settings.'}
      </p>
    );
  }
  return (
    <table className="table config-diff" data-testid="config-diff">
      <thead>
        <tr>
          <th>Setting</th>
          <th>
            <SideTag side="a" evaluation={comparison.a} />
          </th>
          <th>
            <SideTag side="b" evaluation={comparison.b} />
          </th>
        </tr>
      </thead>
      <tbody>
        {comparison.configDiff.map((entry) => (
          <tr key={entry.key} data-testid="config-diff-row" data-key={entry.key}>
            <td className="mono">{entry.key}</td>
            <td className="mono config-value">{show(entry.a)}</td>
            <td className="mono config-value">{show(entry.b)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
