/**
 * The shown run: name, status, progress with ETA, and its actions — Stop while it runs (the
 * worker checkpoints first, so it asks), Delete once it is over (files included, so it asks).
 */
import { useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { isRunUnfinished } from './run-status';
import { formatCount, formatDateTime } from '../../components/format';
import { toastError, toastSuccess } from '../../state/toast-store';
import { formatSeconds, progressFraction, runDurationSeconds, STATUS_LABELS } from './run-format';
import type { RunSummary } from '../../client/contract-types';

export interface RunHeaderProps {
  run: RunSummary;
  now: number;
  onDeleted(runId: number): void;
}

type Confirming = 'stop' | 'delete' | null;

export function RunHeader({ run, now, onDeleted }: RunHeaderProps) {
  const client = useStudioClient();
  const [confirming, setConfirming] = useState<Confirming>(null);
  const [busy, setBusy] = useState(false);
  const unfinished = isRunUnfinished(run.status);
  const fraction = progressFraction(run);
  const duration = runDurationSeconds(run, now);

  async function stop(): Promise<void> {
    setBusy(true);
    try {
      await client.invoke('runs.stop', { id: run.id });
      setConfirming(null);
    } catch (error) {
      toastError(error, 'Stopping the run');
    } finally {
      setBusy(false);
    }
  }

  async function remove(): Promise<void> {
    setBusy(true);
    try {
      await client.invoke('runs.delete', { id: run.id, confirm: true });
      toastSuccess(`Deleted run ${run.name}.`);
      onDeleted(run.id);
    } catch (error) {
      toastError(error, 'Deleting the run');
      setBusy(false);
    }
  }

  return (
    <header className="run-header" data-testid="run-header" data-status={run.status} data-run-id={run.id}>
      <div className="run-header-top">
        <div className="grow">
          <h1 className="view-title run-title">
            {run.name}
            <span className={`status-pill status-${run.status}`} data-testid="run-status">
              {STATUS_LABELS[run.status]}
            </span>
          </h1>
          <p className="muted small">
            <span className="mono" title={run.baseModel}>
              {run.baseModel.split(/[\\/]/).filter(Boolean).pop() ?? run.baseModel}
            </span>
            {' · '}
            {run.gpus.length === 0 ? 'CPU' : `GPU ${run.gpus.join(', ')}`}
            {run.startedAt && ` · started ${formatDateTime(run.startedAt)}`}
            {duration !== null && ` · ${formatSeconds(duration)}`}
            {` · ${run.checkpointCount} checkpoint${run.checkpointCount === 1 ? '' : 's'}`}
          </p>
        </div>
        <div className="row">
          {unfinished && confirming !== 'stop' && (
            <button type="button" className="button" onClick={() => setConfirming('stop')} data-testid="run-stop">
              Stop
            </button>
          )}
          {!unfinished && confirming !== 'delete' && (
            <button type="button" className="button" onClick={() => setConfirming('delete')} data-testid="run-delete">
              Delete…
            </button>
          )}
        </div>
      </div>
      {confirming === 'stop' && (
        <div className="confirm row" data-testid="run-stop-confirm">
          <span className="grow small">Stop {run.name}? The worker finishes its step and saves a checkpoint; the run can be resumed from it later.</span>
          <button type="button" className="button" onClick={() => setConfirming(null)} disabled={busy}>
            Keep training
          </button>
          <button type="button" className="button danger" onClick={() => void stop()} disabled={busy} data-testid="run-stop-confirm-button">
            Stop run
          </button>
        </div>
      )}
      {confirming === 'delete' && (
        <div className="confirm row" data-testid="run-delete-confirm">
          <span className="grow small">Delete {run.name} with its folder (checkpoints, metrics, data snapshot)? This cannot be undone.</span>
          <button type="button" className="button" onClick={() => setConfirming(null)} disabled={busy}>
            Cancel
          </button>
          <button type="button" className="button danger" onClick={() => void remove()} disabled={busy} data-testid="run-delete-confirm-button">
            Delete run
          </button>
        </div>
      )}
      {run.error && (
        <div className="run-error" data-testid="run-error">
          <strong>{run.error.message}</strong>
          {run.error.hint && <span> {run.error.hint}</span>}
        </div>
      )}
      <div className="run-progress" data-testid="run-progress">
        <div className="bar run-progress-bar">
          <div className={`bar-fill status-fill-${run.status}`} style={{ width: `${((fraction ?? (run.status === 'finished' ? 1 : 0)) * 100).toFixed(1)}%` }} />
        </div>
        <span className="small num run-progress-text">
          step {formatCount(run.step)}
          {run.totalSteps ? ` of ${formatCount(run.totalSteps)}` : ''}
          {fraction !== null && ` · ${Math.round(fraction * 100)}%`}
          {unfinished && run.etaSeconds !== null && <span className="muted"> · about {formatSeconds(run.etaSeconds)} left</span>}
          {run.lastLoss !== null && <span className="muted"> · loss {run.lastLoss.toFixed(4)}</span>}
        </span>
      </div>
    </header>
  );
}
