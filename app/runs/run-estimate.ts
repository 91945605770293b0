/**
 * How many optimizer steps a run will take, counted exactly as the worker counts them
 * (workers/reward_studio/step_plan.py, plan_steps): items — not pairs — are split over the
 * ranks, batched, then grouped by gradient accumulation; max_steps caps the total. Items the
 * worker drops for max_length cannot be known here, so the estimate is an upper bound then.
 */
import { StudioError } from '../errors';
import type { ProjectStore } from '../store/project-store';
import type { Split } from '../store/types';
import { emptyCounts, forEachTrainable } from './snapshot-items';
import type { RunEstimate } from './types';

export interface StepPlan {
  stepsPerEpoch: number;
  totalSteps: number;
}

/** The four options the plan depends on; their defaults come from describe-config (withDefaults). */
export const STEP_OPTIONS = ['batch_size', 'gradient_accumulation_steps', 'num_epochs', 'max_steps'] as const;

/**
 * Steps of a run over `items` trainable items on `worldSize` ranks. `config` must hold the four
 * STEP_OPTIONS (a worker config, or a form completed by withDefaults): no default is repeated here.
 * The same formula as workers/reward_studio/step_plan.py; both are checked against one table,
 * tests/fixtures/step-plan-cases.json.
 */
export function planSteps(items: number, config: Record<string, unknown>, worldSize: number): StepPlan {
  const [batchSize, accumulation, epochs, maxSteps] = STEP_OPTIONS.map((key) => {
    const value = config[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new StudioError('invalid_input', `${key} must be a number to plan the run's steps (got ${JSON.stringify(value)})`, 'Fill in the field in the Train form, or reset it to its default.');
    }
    return Math.trunc(value);
  }) as [number, number, number, number];
  const perRank = Math.ceil(items / Math.max(worldSize, 1));
  const batchesPerEpoch = Math.ceil(perRank / Math.max(batchSize, 1));
  const stepsPerEpoch = Math.ceil(batchesPerEpoch / Math.max(accumulation, 1));
  let totalSteps = stepsPerEpoch * Math.max(epochs, 0);
  if (maxSteps > 0) totalSteps = epochs > 0 ? Math.min(totalSteps, maxSteps) : maxSteps;
  return { stepsPerEpoch, totalSteps };
}

export async function estimateRun(
  store: ProjectStore,
  splits: { train: Split[]; val: Split[] },
  config: Record<string, unknown>,
  gpus: readonly number[],
): Promise<Omit<RunEstimate, 'time'>> {
  const train = emptyCounts();
  const val = emptyCounts();
  await forEachTrainable(store, splits.train, train, () => undefined);
  await forEachTrainable(store, splits.val.filter((split) => !splits.train.includes(split)), val, () => undefined);
  const plan = planSteps(train.items, config, Math.max(gpus.length, 1));
  return { trainItems: train.items, valItems: val.items, trainPairs: train.pairs, trainAllTied: train.skippedAllTied, valAllTied: val.skippedAllTied, ...plan };
}
