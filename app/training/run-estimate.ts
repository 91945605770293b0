/**
 * How many optimizer steps a run will take, counted exactly as the worker counts them
 * (workers/reward_studio/train_loop.py, build_optimizer): items — not pairs — are split over the
 * ranks, batched, then grouped by gradient accumulation; max_steps caps the total. Items the
 * worker drops for max_length cannot be known here, so the estimate is an upper bound then.
 */
import type { ProjectStore } from '../store/project-store';
import type { Split } from '../store/types';
import { emptyCounts, forEachTrainable } from './snapshot-items';
import type { RunEstimate } from './types';

export interface StepPlan {
  stepsPerEpoch: number;
  totalSteps: number;
}

export function planSteps(items: number, config: Record<string, unknown>, worldSize: number): StepPlan {
  const int = (key: string, fallback: number) => {
    const value = config[key];
    return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : fallback;
  };
  const world = Math.max(worldSize, 1);
  const batchSize = Math.max(int('batch_size', 8), 1);
  const accumulation = Math.max(int('gradient_accumulation_steps', 1), 1);
  const epochs = Math.max(int('num_epochs', 10), 0);
  const maxSteps = int('max_steps', 0);
  const perRank = Math.ceil(items / world);
  const batchesPerEpoch = Math.ceil(perRank / batchSize);
  const stepsPerEpoch = Math.ceil(batchesPerEpoch / accumulation);
  let totalSteps = stepsPerEpoch * epochs;
  if (maxSteps > 0) totalSteps = epochs > 0 ? Math.min(totalSteps, maxSteps) : maxSteps;
  return { stepsPerEpoch, totalSteps };
}

export async function estimateRun(
  store: ProjectStore,
  splits: { train: Split[]; val: Split[] },
  config: Record<string, unknown>,
  gpus: readonly number[],
): Promise<RunEstimate> {
  const train = emptyCounts();
  const val = emptyCounts();
  await forEachTrainable(store, splits.train, train, () => undefined);
  await forEachTrainable(store, splits.val.filter((split) => !splits.train.includes(split)), val, () => undefined);
  const plan = planSteps(train.items, config, Math.max(gpus.length, 1));
  return { trainItems: train.items, valItems: val.items, trainPairs: train.pairs, ...plan };
}
