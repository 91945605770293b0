/**
 * Model in the loop, in the queue toolbar: the "Model scores" switch (off by default, to avoid
 * anchoring) and the button that has the newest checkpoint score the unjudged items — the scores
 * the switch shows and the "most uncertain first" order reads.
 */
import { formatCount } from '../../components/format';
import type { ModelScoresState } from './use-model-scores';
import type { QueueScoring } from './use-queue-scoring';

export interface ModelLoopControlsProps {
  scoring: QueueScoring;
  showScores: boolean;
  onShowScores(on: boolean): void;
  /** The current item's scores, for a quiet note when there are none. */
  itemScores: ModelScoresState;
}

function ItemScoresNote({ state }: { state: ModelScoresState }) {
  if (state.status === 'error') {
    return (
      <span className="small model-loop-note" data-testid="model-scores-note" title={state.message}>
        scores unavailable
      </span>
    );
  }
  if (state.status === 'ready' && state.scores === null) {
    return (
      <span className="small model-loop-note" data-testid="model-scores-note" title="No checkpoint has scored this item yet: score the queue.">
        not scored
      </span>
    );
  }
  return null;
}

function ScoreQueueButton({ scoring, showScores }: { scoring: QueueScoring; showScores: boolean }) {
  const { checkpoint, evaluation, starting, error } = scoring;
  if (!checkpoint) {
    // Before any training the switch is all there is; the note only answers "why no scores?".
    if (!showScores) return null;
    return (
      <span className="small muted" title="Train a run first: its newest checkpoint scores the queue.">
        no checkpoint
      </span>
    );
  }
  const label = `${checkpoint.runName} step ${formatCount(checkpoint.step)}`;
  const active = evaluation && (evaluation.status === 'queued' || evaluation.status === 'running');
  if (active) {
    const { done, total } = evaluation.progress;
    return (
      <span className="queue-scoring small muted" data-testid="queue-scoring" data-status={evaluation.status} title={`Scoring the unjudged items with ${label}`}>
        <span className="queue-scoring-bar" aria-hidden="true">
          <span style={{ width: total > 0 ? `${Math.round((done / total) * 100)}%` : '0%' }} />
        </span>
        {evaluation.status === 'queued' ? 'queued' : `${formatCount(done)}/${formatCount(total)}`}
      </span>
    );
  }
  const finished = evaluation?.status === 'finished';
  const failed = evaluation?.status === 'failed' ? (evaluation.error?.message ?? 'the evaluation failed') : null;
  return (
    <>
      <button
        type="button"
        tabIndex={-1}
        className="button small"
        disabled={starting}
        data-testid="queue-score-button"
        data-state={finished ? 'scored' : 'unscored'}
        title={
          error ?? failed ?? (finished ? `The unjudged items were scored by ${label}; click to score them again` : `Score the unjudged items with ${label}, for model scores and the most-uncertain order`)
        }
        onClick={() => scoring.start(finished)}
      >
        {/* Short: the toolbar is full at 1440 px; the title names the checkpoint. */}
        {finished ? 'Rescore' : 'Score queue'}
      </button>
      {(error ?? failed) && (
        <span className="inline-error small" data-testid="queue-score-error" title={error ?? failed ?? ''}>
          Scoring failed
        </span>
      )}
    </>
  );
}

export function ModelLoopControls({ scoring, showScores, onShowScores, itemScores }: ModelLoopControlsProps) {
  return (
    <div className="model-loop" data-testid="model-loop">
      <label className="checkbox small model-loop-toggle" title="Show the newest checkpoint's score on each response while you judge (off by default: a visible score can anchor your judgment)">
        <input type="checkbox" tabIndex={-1} checked={showScores} onChange={(event) => {
            onShowScores(event.target.checked);
            // Keys belong to the item again (a focused checkbox would take Space).
            event.target.blur();
          }} data-testid="model-scores-toggle" />
        Model scores
      </label>
      {showScores && <ItemScoresNote state={itemScores} />}
      <ScoreQueueButton scoring={scoring} showScores={showScores} />
    </div>
  );
}
