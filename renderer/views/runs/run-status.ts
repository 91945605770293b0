/**
 * What a run's status means on screen. `isRunUnfinished` is "the run may still change": queued,
 * starting or running — it can be stopped, its clock ticks, its ETA is shown. It is not the run
 * manager's set of runs that hold a worker (app/runs/run-records.ts: starting and running
 * only, which is what it reattaches to and counts against free GPUs): a queued run has no worker
 * yet, but for the person it is not done.
 */
import type { RunStatus } from '../../client/contract-types';

const UNFINISHED: Record<RunStatus, boolean> = {
  queued: true,
  starting: true,
  running: true,
  finished: false,
  stopped: false,
  failed: false,
};

/** Queued, starting or running: not settled yet (a record makes a new status need a decision here). */
export function isRunUnfinished(status: RunStatus): boolean {
  return UNFINISHED[status];
}
