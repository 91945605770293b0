/**
 * Which charts a run can ever fill, and what an empty one says about *this* run: the GPU-memory
 * chart is left out when every charted run trained on CPU (it would stay empty forever), and the
 * eval charts say whether an evaluation is still to come (and when) or cannot come at all.
 */
import { CHART_SPECS, type ChartSpec } from '../../charts/chart-specs';

export interface ChartRunFacts {
  /** GPUs the run trains on; none means CPU. */
  gpus: readonly number[];
  /** Labeled validation items in the run's snapshot; null while the detail is loading. */
  valItems: number | null;
  /** The run's eval_steps (0: at the end of every epoch); null when unknown. */
  evalSteps: number | null;
}

export interface ShownChart {
  spec: ChartSpec;
  emptyHint: string;
}

const NO_VALIDATION = 'This run has no validation items, so it is never evaluated. Pick a validation split (or re-split) when you start the next run.';

function evalHint(shown: ChartRunFacts | null, fallback: string): string {
  if (shown === null || shown.valItems === null) return fallback;
  if (shown.valItems === 0) return NO_VALIDATION;
  if (shown.evalSteps !== null && shown.evalSteps > 0) return `Appears after the first evaluation, at step ${shown.evalSteps} (${shown.valItems} validation items).`;
  return `Appears after the first evaluation, at the end of the first epoch (${shown.valItems} validation items).`;
}

/** The charts to draw for the shown run (first) and its overlays, each with the empty text that fits. */
export function chartsFor(runs: readonly ChartRunFacts[]): ShownChart[] {
  const shown = runs[0] ?? null;
  const anyGpu = runs.some((run) => run.gpus.length > 0);
  return CHART_SPECS.filter((spec) => anyGpu || !spec.series.some((series) => series.tag === 'gpu_memory_gb')).map((spec) => ({
    spec,
    emptyHint: spec.id === 'eval-loss' ? evalHint(shown, spec.emptyHint) : spec.emptyHint,
  }));
}
