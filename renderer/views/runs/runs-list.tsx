/**
 * Every run of the project: status, duration, best validation accuracy. Clicking a run shows it;
 * the checkbox overlays its curves on the shown run's charts (one colour per run).
 */
import { formatCount } from '../../components/format';
import { formatSeconds, runDurationSeconds, STATUS_LABELS } from './run-format';
import type { RunSummary } from '../../client/contract-types';

export interface RunsListProps {
  runs: readonly RunSummary[];
  shownId: number | null;
  overlayIds: readonly number[];
  colorOf(runId: number): string | null;
  onShow(runId: number): void;
  onToggleOverlay(runId: number, on: boolean): void;
  now: number;
}

export function RunsList({ runs, shownId, overlayIds, colorOf, onShow, onToggleOverlay, now }: RunsListProps) {
  return (
    <ul className="runs-list" data-testid="runs-list">
      {runs.map((run) => {
        const shown = run.id === shownId;
        const color = colorOf(run.id);
        const duration = runDurationSeconds(run, now);
        return (
          <li key={run.id} className={shown ? 'run-entry shown' : 'run-entry'} data-testid="run-entry" data-run-id={run.id} data-status={run.status}>
            <input
              type="checkbox"
              className="run-overlay"
              aria-label={`Overlay ${run.name}`}
              title={shown ? 'The run shown' : 'Overlay its curves on the charts'}
              checked={shown || overlayIds.includes(run.id)}
              disabled={shown}
              style={color ? { accentColor: color } : undefined}
              data-testid="run-overlay"
              onChange={(event) => onToggleOverlay(run.id, event.target.checked)}
            />
            <button type="button" className="run-entry-main" onClick={() => onShow(run.id)} aria-current={shown ? 'true' : undefined} title={run.name}>
              <span className="run-entry-name">
                {color && <span className="swatch" style={{ background: color }} />}
                {run.name}
              </span>
              <span className="run-entry-meta">
                <span className={`status-dot status-${run.status}`} />
                {STATUS_LABELS[run.status]}
                {run.status === 'running' && run.totalSteps ? ` ${formatCount(run.step)}/${formatCount(run.totalSteps)}` : ''}
                {duration !== null && <span className="muted"> · {formatSeconds(duration)}</span>}
                <span className="grow" />
                <span className="run-entry-acc" title="Best validation accuracy">
                  {run.bestEvalAccuracy !== null ? `${(run.bestEvalAccuracy * 100).toFixed(1)}%` : '–'}
                </span>
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
