/**
 * Checkpoints of every run, grouped by run, to tick for evaluation. Beside each: what is already
 * stored for the chosen scope (its accuracy when finished — it will be reused, not scored again,
 * unless "Score again" is on).
 */
import { formatCount } from '../../components/format';
import type { RunCheckpoints } from './use-all-checkpoints';
import { STATUS_WORDS } from './evaluation-types';
import type { EvaluationScope, EvaluationSummary, ScoringEngine } from '../../client/contract-types';

export interface CheckpointPickerProps {
  groups: readonly RunCheckpoints[];
  picked: ReadonlySet<number>;
  scope: EvaluationScope;
  engine: ScoringEngine;
  evaluations: readonly EvaluationSummary[];
  onToggle(checkpointId: number): void;
}

/** The newest evaluation of that checkpoint on that scope and engine (what evaluations.start would reuse). */
export function storedEvaluation(evaluations: readonly EvaluationSummary[], checkpointId: number, scope: EvaluationScope, engine: ScoringEngine): EvaluationSummary | null {
  let newest: EvaluationSummary | null = null;
  for (const evaluation of evaluations) {
    if (evaluation.checkpointId !== checkpointId || evaluation.scope !== scope || evaluation.engine !== engine) continue;
    if (!newest || evaluation.id > newest.id) newest = evaluation;
  }
  return newest;
}

export function CheckpointPicker({ groups, picked, scope, engine, evaluations, onToggle }: CheckpointPickerProps) {
  return (
    <div className="checkpoint-picker" data-testid="checkpoint-picker">
      {groups.map((group) => (
        <section key={group.run.id} className="picker-run" data-run-id={group.run.id}>
          <h3 className="picker-run-name" title={group.run.name}>
            {group.run.name}
            <span className="muted small"> · {group.run.status}</span>
          </h3>
          <ul className="picker-list">
            {group.checkpoints.map((checkpoint) => {
              const stored = storedEvaluation(evaluations, checkpoint.id, scope, engine);
              const accuracy = checkpoint.metrics['eval_accuracy'];
              return (
                <li key={checkpoint.id}>
                  <label className={picked.has(checkpoint.id) ? 'picker-entry picked' : 'picker-entry'}>
                    <input type="checkbox" checked={picked.has(checkpoint.id)} onChange={() => onToggle(checkpoint.id)} data-testid={`evaluate-checkpoint-${checkpoint.id}`} />
                    <span className="picker-step">
                      step {formatCount(checkpoint.step)}
                      {checkpoint.isBest && <span className="tag best-tag">best</span>}
                    </span>
                    <span className="muted small num" title="Validation accuracy the worker logged for this checkpoint">
                      {accuracy !== undefined && Number.isFinite(accuracy) ? `eval ${(accuracy * 100).toFixed(1)}%` : ''}
                    </span>
                    <span className="grow" />
                    {stored && (
                      <span className={`stored-tag stored-${stored.status}`} title={`Evaluation ${stored.id} on ${scope}: ${STATUS_WORDS[stored.status].toLowerCase()}`} data-testid="stored-evaluation">
                        {stored.status === 'finished' && stored.metrics ? `${scope} ${(stored.metrics.accuracy * 100).toFixed(1)}%` : STATUS_WORDS[stored.status]}
                      </span>
                    )}
                  </label>
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </div>
  );
}
