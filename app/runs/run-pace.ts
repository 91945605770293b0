/**
 * How long a run will take, from how long this project's earlier runs took on this machine — never
 * from a promise in a preset. A finished run's metrics.sqlite gives its pace: seconds until its
 * first step (starting Python, loading the model), seconds per optimizer step (evaluations between
 * steps included), and seconds after its last step (final evaluation, saving). A new run with the
 * same base model on the same devices is estimated from the latest such run, scaled by items per
 * step; with none, the estimate says it has nothing measured to go on.
 */
import path from 'node:path';
import { MetricsReader } from './metrics-reader';
import { METRICS_FILE } from './run-directory';
import type { RunRow } from './run-records';
import type { RunTimeEstimate } from './types';

export interface RunPace {
  runId: number;
  runName: string;
  itemsPerStep: number;
  startupSeconds: number;
  secondsPerStep: number;
  tailSeconds: number;
}

/** Items one optimizer step consumes on each rank: batch size times gradient accumulation. */
export function itemsPerStep(config: Record<string, unknown>): number {
  const batch = Number(config.batch_size);
  const accumulation = Number(config.gradient_accumulation_steps);
  return Math.max(1, Number.isFinite(batch) ? batch : 1) * Math.max(1, Number.isFinite(accumulation) ? accumulation : 1);
}

/** A finished run's measured pace, or null when it logged too little to time (fewer than two steps). */
export function measuredPace(run: RunRow): RunPace | null {
  if (run.status !== 'finished' || run.startedAt === null || run.finishedAt === null) return null;
  const reader = MetricsReader.tryOpen(path.join(run.dir, METRICS_FILE));
  if (reader === null) return null;
  try {
    const span = reader.stepSpan('loss');
    if (span === null || span.lastStep <= span.firstStep) return null;
    const secondsPerStep = (span.lastWall - span.firstWall) / (span.lastStep - span.firstStep);
    const started = Date.parse(run.startedAt) / 1000;
    const finished = Date.parse(run.finishedAt) / 1000;
    return {
      runId: run.id,
      runName: run.name,
      itemsPerStep: itemsPerStep(run.config),
      // The first logged step is the end of step `firstStep`: its own time is not start-up.
      startupSeconds: Math.max(0, span.firstWall - started - secondsPerStep * span.firstStep),
      secondsPerStep,
      tailSeconds: Math.max(0, finished - span.lastWall),
    };
  } finally {
    reader.close();
  }
}

/**
 * The time of a new run of `totalSteps` steps: measured on the newest finished run with the same
 * base model and device count, or, with none, a plain "not measured yet" for the form to say.
 */
export function estimateRunTime(
  runs: readonly RunRow[],
  request: { baseModel: string; gpuCount: number; config: Record<string, unknown> },
  totalSteps: number,
): RunTimeEstimate {
  const comparable = runs
    .filter((run) => path.resolve(run.baseModel) === path.resolve(request.baseModel) && run.gpus.length === request.gpuCount)
    .sort((a, b) => (b.finishedAt ?? '').localeCompare(a.finishedAt ?? ''));
  for (const run of comparable) {
    const pace = measuredPace(run);
    if (pace === null) continue;
    const perStep = pace.secondsPerStep * (itemsPerStep(request.config) / pace.itemsPerStep);
    return {
      basis: 'measured',
      seconds: Math.round(pace.startupSeconds + perStep * totalSteps + pace.tailSeconds),
      fromRun: { id: pace.runId, name: pace.runName, secondsPerStep: perStep, startupSeconds: pace.startupSeconds },
    };
  }
  return { basis: 'unmeasured', seconds: null, fromRun: null };
}
