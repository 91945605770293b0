/** How runs read in the list and the header: status words, durations, ETA. */
import type { RunStatus, RunSummary } from '../../client/contract-types';

export const STATUS_LABELS: Record<RunStatus, string> = {
  queued: 'Queued',
  starting: 'Starting',
  running: 'Running',
  finished: 'Finished',
  stopped: 'Stopped',
  failed: 'Failed',
};

/** 1 h 02 min, 3 min 05 s, 42 s. */
export function formatSeconds(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}

/** Wall time from start to finish (or to now while it runs); null before it started. */
export function runDurationSeconds(run: RunSummary, now: number): number | null {
  if (!run.startedAt) return null;
  const start = Date.parse(run.startedAt);
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now;
  if (Number.isNaN(start) || Number.isNaN(end)) return null;
  return Math.max(0, (end - start) / 1000);
}

export function progressFraction(run: RunSummary): number | null {
  if (!run.totalSteps || run.totalSteps <= 0) return null;
  return Math.min(1, Math.max(0, run.step / run.totalSteps));
}
