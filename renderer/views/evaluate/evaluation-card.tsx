/**
 * One evaluation in the list: what was scored with what, its progress while it runs, the error
 * in words when it failed, and once finished its metrics and reliability diagram. Actions:
 * tick it for Compare, score again, cancel, delete (asks first).
 */
import { useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { formatDateTime } from '../../components/format';
import { toastError } from '../../state/toast-store';
import { isEvaluationActive, STATUS_WORDS } from './evaluation-types';
import { formatMetric, METRIC_ROWS, metricValue } from './metric-format';
import { ReliabilityDiagram } from './reliability-diagram';
import type { EvaluationSummary } from '../../client/contract-types';

export interface EvaluationCardProps {
  evaluation: EvaluationSummary;
  picked: boolean;
  /** Position in the compare pick (A or B), when picked. */
  pickLabel: 'A' | 'B' | null;
  onTogglePick(id: number): void;
  onStarted(entries: EvaluationSummary[]): void;
  onDeleted(id: number): void;
}

const CARD_METRICS = METRIC_ROWS.filter((row) => ['accuracy', 'pairwiseAccuracy', 'meanMargin', 'loss', 'ece', 'items'].includes(row.key));

export function EvaluationCard({ evaluation, picked, pickLabel, onTogglePick, onStarted, onDeleted }: EvaluationCardProps) {
  const client = useStudioClient();
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const active = isEvaluationActive(evaluation.status);
  const { done, total } = evaluation.progress;
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  const metrics = evaluation.metrics;

  async function act(action: () => Promise<void>, what: string): Promise<void> {
    setBusy(true);
    try {
      await action();
    } catch (error) {
      toastError(error, what);
    } finally {
      setBusy(false);
    }
  }

  return (
    <article className={picked ? 'eval-card picked' : 'eval-card'} data-testid="evaluation-card" data-evaluation-id={evaluation.id} data-checkpoint-id={evaluation.checkpointId} data-status={evaluation.status} data-scope={evaluation.scope}>
      <header className="eval-card-header">
        <label className="eval-pick" title={evaluation.status === 'finished' ? 'Pick for Compare (two)' : 'Only finished evaluations can be compared'}>
          <input type="checkbox" checked={picked} disabled={evaluation.status !== 'finished'} onChange={() => onTogglePick(evaluation.id)} data-testid="evaluation-pick" aria-label={`Pick evaluation ${evaluation.id} for Compare`} />
          {pickLabel && <span className={`pick-badge pick-${pickLabel.toLowerCase()}`}>{pickLabel}</span>}
        </label>
        <div className="grow eval-card-title">
          <span className="eval-run-name">{evaluation.runName}</span>
          <span className="eval-card-meta small muted">
            step {evaluation.step} · <span className={`split-badge split-${evaluation.scope}`}>{evaluation.scope}</span>
            {evaluation.engine === 'onnx' && <span className="tag">ONNX</span>} · {formatDateTime(evaluation.createdAt)}
          </span>
        </div>
        <span className={`status-pill eval-status-${evaluation.status}`} data-testid="evaluation-status">
          {STATUS_WORDS[evaluation.status]}
        </span>
      </header>

      {active && (
        <div className="eval-progress" data-testid="evaluation-progress" data-done={done} data-total={total}>
          <div className="progress-track">
            <div className="progress-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
          </div>
          <span className="small muted num">{total > 0 ? `${done.toLocaleString()} / ${total.toLocaleString()} items` : 'Starting the scorer…'}</span>
        </div>
      )}

      {evaluation.error && (
        <div className="eval-error small" data-testid="evaluation-error">
          <strong>{evaluation.error.message}</strong>
          {evaluation.error.hint && <span className="muted"> {evaluation.error.hint}</span>}
        </div>
      )}

      {metrics && (
        <div className="eval-card-body">
          <dl className="eval-metrics">
            {CARD_METRICS.map((row) => (
              <div key={row.key} className="eval-metric" title={row.title} data-metric={row.key}>
                <dt>{row.label}</dt>
                <dd className="num">{formatMetric(metricValue(metrics, row.key), row.format)}</dd>
              </div>
            ))}
            {(metrics.truncatedResponses > 0 || metrics.droppedItems > 0) && (
              <div className="eval-metric warn" title="What the scorer truncated or dropped for length (max_length)">
                <dt>Length</dt>
                <dd className="small">
                  {metrics.truncatedResponses} truncated, {metrics.droppedItems} dropped
                </dd>
              </div>
            )}
          </dl>
          {metrics.imageNotice && (
            <p className="small warn" data-testid="evaluation-image-notice" role="note">
              {metrics.imageNotice}
            </p>
          )}
          {metrics.calibration.length > 0 && <ReliabilityDiagram bins={metrics.calibration} ece={metrics.ece} />}
        </div>
      )}

      <footer className="eval-card-actions">
        {active ? (
          <button type="button" className="button small" disabled={busy} data-testid="evaluation-cancel" onClick={() => void act(async () => void (await client.invoke('evaluations.cancel', { id: evaluation.id })), 'Cancelling the evaluation')}>
            Cancel
          </button>
        ) : (
          <button
            type="button"
            className="button small"
            disabled={busy}
            data-testid="evaluation-rerun"
            title="Score this checkpoint on this scope again, replacing the stored scores"
            onClick={() => void act(async () => onStarted(await client.invoke('evaluations.start', { checkpointIds: [evaluation.checkpointId], scope: evaluation.scope, engine: evaluation.engine, rerun: true })), 'Re-running the evaluation')}
          >
            Re-run
          </button>
        )}
        <span className="grow" />
        {!active &&
          (confirmDelete ? (
            <span className="confirm small">
              Delete its stored scores?
              <button type="button" className="button small danger" disabled={busy} data-testid="evaluation-delete-confirm" onClick={() => void act(async () => {
                await client.invoke('evaluations.delete', { id: evaluation.id, confirm: true });
                onDeleted(evaluation.id);
              }, 'Deleting the evaluation')}>
                Delete
              </button>
              <button type="button" className="button small" onClick={() => setConfirmDelete(false)}>
                Keep
              </button>
            </span>
          ) : (
            <button type="button" className="button small" data-testid="evaluation-delete" onClick={() => setConfirmDelete(true)}>
              Delete
            </button>
          ))}
      </footer>
    </article>
  );
}
