/**
 * Exports of the open project (`<project>/exports/`): a checkpoint exported as a merged Hugging
 * Face folder or as ONNX, with its size, the verify difference against the checkpoint, and actions
 * (use in the playground, serve, delete after a confirmation).
 */
import { useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { formatBytes, formatDateTime } from '../../components/format';
import { Panel } from '../../components/panel';
import { toastError, toastSuccess } from '../../state/toast-store';
import { startExport, useExportJobs, type ExportJob } from './export-jobs';
import { checkpointLabel } from './model-options';
import type { CheckpointInfo, ModelExport, ModelExportFormat } from '../../client/contract-types';

export interface ExportsPanelProps {
  exports: readonly ModelExport[];
  checkpoints: readonly CheckpointInfo[];
  runName(runId: number): string;
  onUse(item: ModelExport): void;
  onServe(item: ModelExport): void;
  onChanged(): void;
}

/** "3.1e-6", "0.0012": small differences read best in scientific notation. */
export function formatDiff(value: number | null): string {
  if (value === null) return 'not verified';
  if (value === 0) return '0';
  return value < 1e-3 ? value.toExponential(1) : value.toFixed(4);
}

function JobLine({ job }: { job: ExportJob }) {
  return (
    <li className="export-job" data-testid="export-job" data-phase={job.phase}>
      <span className="spinner" aria-hidden="true" />
      <span className="small">
        {job.label} → {job.format === 'onnx' ? 'ONNX' : 'merged'}: <span className="muted">{job.message}</span>
      </span>
    </li>
  );
}

export function ExportsPanel({ exports, checkpoints, runName, onUse, onServe, onChanged }: ExportsPanelProps) {
  const client = useStudioClient();
  const jobs = Object.values(useExportJobs((state) => state.jobs));
  const [checkpointId, setCheckpointId] = useState<number | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const sorted = [...checkpoints].sort((a, b) => b.id - a.id);
  const chosen = sorted.find((checkpoint) => checkpoint.id === checkpointId) ?? sorted[0] ?? null;

  function exportChosen(format: ModelExportFormat): void {
    if (!chosen) return;
    void startExport(client, chosen.id, format, checkpointLabel(runName(chosen.runId), chosen.step, false)).then((made) => made && onChanged());
  }

  async function remove(id: string): Promise<void> {
    setDeleting(true);
    try {
      await client.invoke('models.deleteExport', { id, confirm: true });
      toastSuccess(`Deleted the export ${id}.`);
      setConfirming(null);
      onChanged();
    } catch (error) {
      toastError(error, `Deleting the export ${id}`);
    } finally {
      setDeleting(false);
    }
  }

  return (
    <Panel title="Exports" testId="exports-panel" aside={<span className="muted small">{exports.length}</span>}>
      <div className="stack">
        <div className="export-form">
          <div className="field">
            <label className="field-label" htmlFor="export-checkpoint">
              Checkpoint
            </label>
            <select
              id="export-checkpoint"
              className="select"
              value={chosen?.id ?? ''}
              disabled={!chosen}
              data-testid="export-checkpoint"
              onChange={(event) => setCheckpointId(Number(event.target.value))}
            >
              {!chosen && <option value="">No checkpoints yet</option>}
              {sorted.map((checkpoint) => (
                <option key={checkpoint.id} value={checkpoint.id}>
                  {checkpointLabel(runName(checkpoint.runId), checkpoint.step, checkpoint.isBest)}
                </option>
              ))}
            </select>
          </div>
          <button type="button" className="button" disabled={!chosen} onClick={() => exportChosen('merged')} data-testid="export-merged" title="LoRA merged into a standalone Hugging Face folder">
            Export merged
          </button>
          <button type="button" className="button" disabled={!chosen} onClick={() => exportChosen('onnx')} data-testid="export-onnx" title="An ONNX graph the studio scores with onnxruntime">
            Export ONNX
          </button>
        </div>
        {jobs.length > 0 && <ul className="export-jobs">{jobs.map((job) => <JobLine key={`${job.checkpointId}:${job.format}`} job={job} />)}</ul>}
        {exports.length === 0 ? (
          <p className="small muted" data-testid="exports-empty">
            No exports yet. A merged export reloads as the same reward model anywhere Hugging Face runs; an ONNX export is scored in the studio without Python.
          </p>
        ) : (
          <ul className="export-list" data-testid="export-list">
            {exports.map((item) => (
              <li key={item.id} className="export-entry" data-testid="export-entry" data-export-id={item.id} data-format={item.format}>
                <div className="export-entry-head">
                  <span className={item.format === 'onnx' ? 'tag format-tag onnx' : 'tag format-tag'}>{item.format === 'onnx' ? 'ONNX' : 'merged'}</span>
                  <span className="mono export-name" title={item.path}>
                    {item.id}
                  </span>
                  <span className="grow" />
                  <span className="small muted num">{formatBytes(item.sizeBytes)}</span>
                </div>
                <p className="small muted export-details">
                  {item.runName} · step {item.step.toLocaleString()} · {formatDateTime(item.createdAt)} ·{' '}
                  <span title="Largest |reward difference| between the export and its checkpoint on the verify batch (for a vision model: a probe image at the export's fixed grid)" data-testid="export-verify">
                    max |Δ| {formatDiff(item.verifyMaxAbsDiff)}
                  </span>
                  {item.note && <> · {item.note}</>}
                  {item.verifyResolutions && item.verifyResolutions.length > 0 && (
                    <span data-testid="export-verify-resolutions">
                      {' '}· on the project's images:{' '}
                      {item.verifyResolutions.map((r, i) => (
                        <span key={`${r.width}x${r.height}`} className={r.resized ? 'warn' : undefined} data-resized={r.resized ? 'true' : 'false'}>
                          {i > 0 && ', '}
                          {r.width}×{r.height} max |Δ| {formatDiff(r.maxAbsDiff)}
                        </span>
                      ))}
                    </span>
                  )}
                  {item.loadsWith && (
                    <>
                      {' '}· loads with{' '}
                      <code title="transformers' class for this folder; logits[:, 0] is the reward" data-testid="export-loads-with">
                        {item.loadsWith}
                      </code>
                    </>
                  )}
                </p>
                {(() => {
                  const resized = (item.verifyResolutions ?? []).filter((r) => r.resized);
                  return resized.length > 0 ? (
                    <p className="small warn" data-testid="export-resize-notice" role="note">
                      Images of {resized.map((r) => `${r.width}×${r.height}`).join(', ')} are resized to this export's fixed grid, so their scores differ from the
                      checkpoint's (up to {formatDiff(Math.max(...resized.map((r) => r.maxAbsDiff)))} here); the first max |Δ| above holds only for images the
                      checkpoint also sees at the grid. Score with the checkpoint for exact scores.
                    </p>
                  ) : null;
                })()}
                {confirming === item.id ? (
                  <div className="confirm row" data-testid="export-delete-confirm">
                    <span className="grow small">Delete the folder {item.id} ({formatBytes(item.sizeBytes)})? This cannot be undone.</span>
                    <button type="button" className="button small" onClick={() => setConfirming(null)} disabled={deleting}>
                      Cancel
                    </button>
                    <button type="button" className="button small danger" onClick={() => void remove(item.id)} disabled={deleting} data-testid="export-delete-confirm-button">
                      Delete export
                    </button>
                  </div>
                ) : (
                  <div className="row export-actions">
                    <button type="button" className="button small" onClick={() => onUse(item)} data-testid="export-use">
                      Use in playground
                    </button>
                    <button type="button" className="button small" onClick={() => onServe(item)} data-testid="export-serve">
                      Serve
                    </button>
                    <span className="grow" />
                    <button type="button" className="button small" onClick={() => setConfirming(item.id)} data-testid="export-delete">
                      Delete…
                    </button>
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
    </Panel>
  );
}
