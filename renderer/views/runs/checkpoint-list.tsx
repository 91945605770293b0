/** Checkpoints as the worker saves them (checkpoints.onAdded), the best by validation accuracy marked. */
import { formatCount } from '../../components/format';
import { CheckpointActions } from './checkpoint-actions';
import { useRouteStore } from '../../state/route-store';
import { useEvaluatePreselect } from '../evaluate/evaluate-preselect';
import type { CheckpointInfo } from '../../client/contract-types';

function metric(checkpoint: CheckpointInfo, name: string, percent: boolean): string {
  const value = checkpoint.metrics[name];
  if (value === undefined || !Number.isFinite(value)) return '–';
  return percent ? `${(value * 100).toFixed(1)}%` : value.toFixed(4);
}

export function CheckpointList({ checkpoints, runName }: { checkpoints: readonly CheckpointInfo[]; runName: string }) {
  const navigate = useRouteStore((state) => state.navigate);
  const preselect = useEvaluatePreselect((state) => state.preselect);
  if (checkpoints.length === 0) {
    return (
      <p className="muted small" data-testid="checkpoints-empty">
        None yet: the worker saves one after each evaluation (or every save_steps).
      </p>
    );
  }
  return (
    <table className="table checkpoint-table" data-testid="checkpoint-list">
      <thead>
        <tr>
          <th>Step</th>
          <th className="num">Eval acc.</th>
          <th className="num">Eval loss</th>
          <th>Folder</th>
          <th>
            <span className="visually-hidden">Evaluate</span>
          </th>
          <th>
            <span className="visually-hidden">Use</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {[...checkpoints].reverse().map((checkpoint) => (
          <tr key={checkpoint.id} data-testid="checkpoint-row" data-step={checkpoint.step}>
            <td className="num-left">
              {formatCount(checkpoint.step)}
              {checkpoint.isBest && <span className="tag best-tag">best</span>}
            </td>
            <td className="num">{metric(checkpoint, 'eval_accuracy', true)}</td>
            <td className="num">{metric(checkpoint, 'eval_loss', false)}</td>
            <td className="mono small checkpoint-path" title={checkpoint.path}>
              {checkpoint.path.split(/[\\/]/).filter(Boolean).slice(-2).join('/')}
            </td>
            <td className="num">
              <button type="button" className="button small" title="Score this checkpoint on a split (Evaluate view)" data-testid="checkpoint-evaluate" onClick={() => {
                preselect([checkpoint.id]);
                navigate('evaluate');
              }}>
                Evaluate
              </button>
            </td>
            <td className="checkpoint-actions-cell">
              <CheckpointActions checkpoint={checkpoint} runName={runName} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
