/**
 * Choosing what to compare: two finished evaluations, or two checkpoints and a scope — whatever
 * of those is not evaluated yet is scored first (a stored evaluation is reused), and the
 * comparison opens when both are finished.
 */
import { useEffect, useMemo, useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { Panel } from '../../components/panel';
import { useRouteStore } from '../../state/route-store';
import { toastError, useToastStore } from '../../state/toast-store';
import { evaluationLabel, SCOPES, STATUS_WORDS } from '../evaluate/evaluation-types';
import { useAllCheckpoints } from '../evaluate/use-all-checkpoints';
import { useEvaluations } from '../evaluate/use-evaluations';
import type { EvaluationScope } from '../../client/contract-types';

export function CompareSetup() {
  const client = useStudioClient();
  const openCompare = useRouteStore((state) => state.openCompare);
  const navigate = useRouteStore((state) => state.navigate);
  const { evaluations, merge } = useEvaluations();
  const { groups } = useAllCheckpoints();
  const finished = useMemo(() => (evaluations ?? []).filter((entry) => entry.status === 'finished'), [evaluations]);
  const [evalA, setEvalA] = useState<number | null>(null);
  const [evalB, setEvalB] = useState<number | null>(null);
  const [checkpointA, setCheckpointA] = useState<number | null>(null);
  const [checkpointB, setCheckpointB] = useState<number | null>(null);
  const [scope, setScope] = useState<EvaluationScope>('val');
  /** The two evaluations being scored for the checkpoint route, waited on until both finish. */
  const [waiting, setWaiting] = useState<[number, number] | null>(null);

  // Defaults: the two newest finished evaluations of the same scope.
  useEffect(() => {
    if (evalA !== null || finished.length < 2) return;
    const first = finished[0]!;
    const second = finished.find((entry) => entry.id !== first.id && entry.scope === first.scope) ?? finished[1]!;
    setEvalA(second.id);
    setEvalB(first.id);
  }, [finished, evalA]);

  const checkpointOptions = useMemo(
    () => (groups ?? []).flatMap((group) => group.checkpoints.map((checkpoint) => ({ id: checkpoint.id, label: `${group.run.name} · step ${checkpoint.step}${checkpoint.isBest ? ' (best)' : ''}` }))),
    [groups],
  );

  const waitingStates = waiting ? waiting.map((id) => evaluations?.find((entry) => entry.id === id) ?? null) : null;
  useEffect(() => {
    if (!waiting || !waitingStates) return;
    if (waitingStates.every((entry) => entry?.status === 'finished')) {
      setWaiting(null);
      openCompare(waiting);
    } else {
      const ended = waitingStates.find((entry) => entry && (entry.status === 'failed' || entry.status === 'cancelled'));
      if (!ended) return;
      setWaiting(null);
      useToastStore.getState().push({
        kind: 'error',
        message: `Evaluating ${ended.runName} (step ${ended.step}) on ${ended.scope} ${ended.status === 'failed' ? 'failed' : 'was cancelled'}${ended.error ? `: ${ended.error.message}` : '.'}`,
        hint: ended.error?.hint ?? 'The Evaluate view shows it; start it again there or here.',
      });
    }
  }, [waiting, waitingStates, openCompare]);

  async function evaluateAndCompare(): Promise<void> {
    if (checkpointA === null || checkpointB === null) return;
    try {
      const started = await client.invoke('evaluations.start', { checkpointIds: checkpointA === checkpointB ? [checkpointA] : [checkpointA, checkpointB], scope, engine: 'python', rerun: false });
      merge(started);
      const forA = started.find((entry) => entry.checkpointId === checkpointA);
      const forB = started.find((entry) => entry.checkpointId === checkpointB);
      if (!forA || !forB) throw new Error('The studio did not return an evaluation for both checkpoints.');
      setWaiting([forA.id, forB.id]);
    } catch (error) {
      toastError(error, 'Evaluating the checkpoints');
    }
  }

  return (
    <div className="compare-setup" data-testid="compare-setup">
      <header className="view-header">
        <div>
          <h1 className="view-title">Compare</h1>
          <p className="muted small">Two checkpoints side by side: metrics, curves, config, and item by item where they disagree.</p>
        </div>
      </header>
      <div className="compare-setup-grid">
        <Panel title="Two evaluations" testId="compare-pick-evaluations">
          {finished.length < 2 ? (
            <p className="small muted">
              Fewer than two finished evaluations. Evaluate checkpoints first, or pick two checkpoints on the right.{' '}
              <button type="button" className="button small" onClick={() => navigate('evaluate')}>
                Go to Evaluate
              </button>
            </p>
          ) : (
            <div className="stack">
              {(['A', 'B'] as const).map((side) => {
                const value = side === 'A' ? evalA : evalB;
                return (
                  <label key={side} className="field">
                    <span className="field-label">
                      <span className={`pick-badge pick-${side.toLowerCase()}`}>{side}</span> evaluation
                    </span>
                    <select className="select" value={value ?? ''} data-testid={`compare-pick-${side.toLowerCase()}`} onChange={(event) => (side === 'A' ? setEvalA : setEvalB)(Number(event.target.value))}>
                      {finished.map((entry) => (
                        <option key={entry.id} value={entry.id}>
                          #{entry.id} · {evaluationLabel(entry)}
                        </option>
                      ))}
                    </select>
                  </label>
                );
              })}
              <button type="button" className="button primary" disabled={evalA === null || evalB === null || evalA === evalB} data-testid="compare-open" onClick={() => evalA !== null && evalB !== null && openCompare([evalA, evalB])}>
                Compare
              </button>
            </div>
          )}
        </Panel>
        <Panel title="Two checkpoints" testId="compare-pick-checkpoints">
          <div className="stack">
            {(['A', 'B'] as const).map((side) => {
              const value = side === 'A' ? checkpointA : checkpointB;
              return (
                <label key={side} className="field">
                  <span className="field-label">
                    <span className={`pick-badge pick-${side.toLowerCase()}`}>{side}</span> checkpoint
                  </span>
                  <select className="select" value={value ?? ''} data-testid={`compare-checkpoint-${side.toLowerCase()}`} onChange={(event) => (side === 'A' ? setCheckpointA : setCheckpointB)(event.target.value ? Number(event.target.value) : null)}>
                    <option value="">Choose…</option>
                    {checkpointOptions.map((option) => (
                      <option key={option.id} value={option.id}>
                        {option.label}
                      </option>
                    ))}
                  </select>
                </label>
              );
            })}
            <label className="field">
              <span className="field-label">Scope</span>
              <select className="select" value={scope} onChange={(event) => setScope(SCOPES.find((entry) => entry.id === event.target.value)?.id ?? 'val')}>
                {SCOPES.filter((entry) => entry.id !== 'unjudged').map((entry) => (
                  <option key={entry.id} value={entry.id}>
                    {entry.label}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" className="button primary" disabled={checkpointA === null || checkpointB === null || waiting !== null} data-testid="compare-evaluate-missing" onClick={() => void evaluateAndCompare()}>
              Evaluate what is missing and compare
            </button>
            {waitingStates && (
              <p className="small muted" data-testid="compare-waiting">
                {waitingStates.map((entry, index) => (
                  <span key={index}>
                    {index === 0 ? 'A: ' : ' · B: '}
                    {entry ? `${STATUS_WORDS[entry.status]}${entry.status === 'running' ? ` ${entry.progress.done}/${entry.progress.total}` : ''}` : 'waiting'}
                  </span>
                ))}
              </p>
            )}
            {!waiting && waitingStates === null && <p className="small muted">Stored evaluations are reused; only what is missing is scored.</p>}
          </div>
        </Panel>
      </div>
    </div>
  );
}
