/**
 * Evaluate: tick checkpoints of any runs, choose what to score (a split, or the unjudged items)
 * and start; every evaluation follows with its progress and, once finished, its metrics and a
 * reliability diagram. A finished evaluation of the same checkpoint, scope and engine is reused
 * unless "Score again" is on. Tick two finished evaluations to compare them.
 */
import { useEffect, useMemo, useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { Panel } from '../../components/panel';
import { useRouteStore } from '../../state/route-store';
import { toastError, toastSuccess } from '../../state/toast-store';
import { CheckpointPicker } from './checkpoint-picker';
import { EvaluationCard } from './evaluation-card';
import { SCOPES } from './evaluation-types';
import { useEvaluatePreselect } from './evaluate-preselect';
import { useAllCheckpoints } from './use-all-checkpoints';
import { useEvaluations } from './use-evaluations';
import type { EvaluationScope, ScoringEngine } from '../../client/contract-types';
import '../../styles/evaluate.css';

export function EvaluateView() {
  const client = useStudioClient();
  const navigate = useRouteStore((state) => state.navigate);
  const openCompare = useRouteStore((state) => state.openCompare);
  const { groups, error: checkpointsError } = useAllCheckpoints();
  const { evaluations, error: evaluationsError, merge, remove } = useEvaluations();
  // Read in the initializer, cleared in an effect: StrictMode may run an initializer twice.
  const [picked, setPicked] = useState<Set<number>>(() => new Set(useEvaluatePreselect.getState().checkpointIds));
  useEffect(() => void useEvaluatePreselect.getState().take(), []);
  const [scope, setScope] = useState<EvaluationScope>('val');
  const [engine, setEngine] = useState<ScoringEngine>('python');
  const [rerun, setRerun] = useState(false);
  const [starting, setStarting] = useState(false);
  const [comparePick, setComparePick] = useState<number[]>([]);

  // A checkpoint deleted with its run leaves the pick.
  useEffect(() => {
    if (!groups) return;
    const known = new Set(groups.flatMap((group) => group.checkpoints.map((checkpoint) => checkpoint.id)));
    setPicked((current) => (Array.from(current).every((id) => known.has(id)) ? current : new Set(Array.from(current).filter((id) => known.has(id)))));
  }, [groups]);

  const scopeInfo = SCOPES.find((entry) => entry.id === scope);
  const finishedIds = useMemo(() => new Set((evaluations ?? []).filter((entry) => entry.status === 'finished').map((entry) => entry.id)), [evaluations]);
  const comparable = comparePick.filter((id) => finishedIds.has(id));

  function togglePicked(checkpointId: number): void {
    setPicked((current) => {
      const next = new Set(current);
      if (next.has(checkpointId)) next.delete(checkpointId);
      else next.add(checkpointId);
      return next;
    });
  }

  function toggleCompare(id: number): void {
    // Two at most: a third tick replaces the older pick, so A stays the first one kept.
    setComparePick((current) => (current.includes(id) ? current.filter((entry) => entry !== id) : [...current, id].slice(-2)));
  }

  async function start(): Promise<void> {
    setStarting(true);
    try {
      const started = await client.invoke('evaluations.start', { checkpointIds: Array.from(picked), scope, engine, rerun });
      merge(started);
      const reused = started.filter((entry) => entry.status === 'finished').length;
      toastSuccess(reused === started.length ? `All ${started.length} already evaluated on ${scope}: the stored results are shown.` : `Scoring ${started.length - reused} checkpoint${started.length - reused === 1 ? '' : 's'} on ${scope}${reused ? ` (${reused} reused)` : ''}.`);
    } catch (error) {
      toastError(error, 'Starting the evaluation');
    } finally {
      setStarting(false);
    }
  }

  const noCheckpoints = groups !== null && groups.length === 0;
  return (
    <div className="evaluate" data-testid="evaluate-view">
      <header className="view-header">
        <div>
          <h1 className="view-title">Evaluate</h1>
          <p className="muted small">Score checkpoints on a split; every response’s score is stored, and the metrics come from those scores.</p>
        </div>
      </header>
      <div className="evaluate-grid">
        <Panel title="New evaluation" testId="evaluate-form" className="evaluate-form">
          <div className="stack">
            <div className="field">
              <span className="field-label">Score</span>
              <div className="segmented" role="group" aria-label="What to score">
                {SCOPES.map((entry) => (
                  <button key={entry.id} type="button" className={scope === entry.id ? 'segment active' : 'segment'} aria-pressed={scope === entry.id} title={entry.hint} data-testid={`evaluate-scope-${entry.id}`} onClick={() => setScope(entry.id)}>
                    {entry.label}
                  </button>
                ))}
              </div>
              {scopeInfo && <span className="small muted">{scopeInfo.hint}</span>}
            </div>
            <div className="field">
              <span className="field-label">Checkpoints {picked.size > 0 && <span className="muted">· {picked.size} ticked</span>}</span>
              {checkpointsError && <p className="inline-error">The checkpoints could not be listed: {checkpointsError}</p>}
              {groups === null && !checkpointsError && <p className="small muted">Loading checkpoints…</p>}
              {noCheckpoints && (
                <div className="small muted" data-testid="evaluate-no-checkpoints">
                  No checkpoints yet: a run saves one after each evaluation.{' '}
                  <button type="button" className="button small" onClick={() => navigate('train')}>
                    Go to Train
                  </button>
                </div>
              )}
              {groups && groups.length > 0 && <CheckpointPicker groups={groups} picked={picked} scope={scope} engine={engine} evaluations={evaluations ?? []} onToggle={togglePicked} />}
            </div>
            <div className="row wrap evaluate-options">
              <label className="inline-field small" title="Python: the worker (on the GPU when there is one). ONNX: onnxruntime-node on the checkpoint's ONNX export.">
                Engine
                <select className="select" value={engine} onChange={(event) => setEngine(event.target.value === 'onnx' ? 'onnx' : 'python')} data-testid="evaluate-engine">
                  <option value="python">Python worker</option>
                  <option value="onnx">ONNX export (in-app)</option>
                </select>
              </label>
              <label className="checkbox" title="Off: a finished evaluation of the same checkpoint, scope and engine is reused.">
                <input type="checkbox" checked={rerun} onChange={(event) => setRerun(event.target.checked)} data-testid="evaluate-rerun" />
                Score again even if stored
              </label>
            </div>
            <button type="button" className="button primary" disabled={picked.size === 0 || starting} onClick={() => void start()} data-testid="evaluate-start">
              {starting ? 'Starting…' : picked.size === 0 ? 'Tick checkpoints to evaluate' : `Evaluate ${picked.size} checkpoint${picked.size === 1 ? '' : 's'} on ${scope}`}
            </button>
          </div>
        </Panel>

        <section className="evaluations" data-testid="evaluations">
          <header className="evaluations-header">
            <h2 className="section-label">Evaluations {evaluations && <span className="muted">· {evaluations.length}</span>}</h2>
            <span className="grow" />
            <span className="small muted">{comparable.length < 2 ? 'Tick two finished evaluations to compare them' : ''}</span>
            <button type="button" className="button small primary" disabled={comparable.length < 2} data-testid="evaluations-compare" onClick={() => openCompare([comparable[0] as number, comparable[1] as number])}>
              Compare{comparable.length === 2 ? ' A ↔ B' : ''}
            </button>
          </header>
          {evaluationsError && !evaluations && <p className="inline-error">The evaluations could not be listed: {evaluationsError}</p>}
          {evaluations === null && !evaluationsError && <p className="muted small">Loading evaluations…</p>}
          {evaluations && evaluations.length === 0 && (
            <div className="empty-state small" data-testid="evaluations-empty">
              <p>No evaluations yet.</p>
              <p className="muted">Tick checkpoints on the left and press Evaluate.</p>
            </div>
          )}
          <div className="evaluation-cards">
            {evaluations?.map((evaluation) => {
              const index = comparePick.indexOf(evaluation.id);
              return (
                <EvaluationCard
                  key={evaluation.id}
                  evaluation={evaluation}
                  picked={index >= 0}
                  pickLabel={index === 0 ? 'A' : index === 1 ? 'B' : null}
                  onTogglePick={toggleCompare}
                  onStarted={merge}
                  onDeleted={(id) => {
                    remove(id);
                    setComparePick((current) => current.filter((entry) => entry !== id));
                  }}
                />
              );
            })}
          </div>
        </section>
      </div>
    </div>
  );
}
