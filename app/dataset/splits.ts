import { createHash } from 'node:crypto';
import { StudioError } from '../errors';
import type { Split, SplitRatios } from '../store/types';

export const DEFAULT_SPLIT_RATIOS: SplitRatios = { train: 0.9, val: 0.1, test: 0 };

/**
 * Fixed, not random per project: the same item id lands in the same split in every project
 * with default settings, so an exported file re-imported elsewhere keeps its splits.
 */
export const DEFAULT_SPLIT_SEED = 'reward-studio';

/** A uniform number in [0, 1) from sha256(seed + id): stable across machines and versions. */
export function splitPosition(itemId: string, seed: string): number {
  const digest = createHash('sha256').update(seed).update(itemId).digest();
  // 48 bits is exactly representable in a double and far finer than any ratio a person picks.
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/**
 * The split of an item depends only on its id, the seed and the ratios, so adding items never
 * moves the ones already there.
 */
export function splitFor(itemId: string, seed: string, ratios: SplitRatios): Split {
  const normalized = normalizeRatios(ratios);
  const u = splitPosition(itemId, seed);
  if (u < normalized.train) return 'train';
  if (u < normalized.train + normalized.val) return 'val';
  return normalized.test > 0 ? 'test' : normalized.val > 0 ? 'val' : 'train';
}

/** Scales ratios to sum to 1 (people type 80/10/10 as often as 0.8/0.1/0.1). */
export function normalizeRatios(ratios: SplitRatios): SplitRatios {
  for (const split of ['train', 'val', 'test'] as const) {
    const value = ratios[split];
    if (!Number.isFinite(value) || value < 0) {
      throw new StudioError('invalid_input', `split ratio ${split} = ${value} is not a number ≥ 0`, 'Use ratios such as 0.9 / 0.1 / 0.');
    }
  }
  const total = ratios.train + ratios.val + ratios.test;
  if (total <= 0) {
    throw new StudioError('invalid_input', 'split ratios are all zero', 'Give at least one split a positive ratio, e.g. train 0.9, val 0.1.');
  }
  return { train: ratios.train / total, val: ratios.val / total, test: ratios.test / total };
}
