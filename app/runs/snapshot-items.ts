/**
 * Which items a run trains on: the labeled items of the chosen splits, in rowid order. Rankings
 * where every response is tied carry no preference (the worker rejects them), so they are
 * skipped and counted. Shared by the snapshot writer and the step estimate so both count alike.
 */
import type { FullItem } from '../store/item-pages';
import type { ProjectStore } from '../store/project-store';
import type { Split } from '../store/types';

const PAGE = 1000;

export interface SplitCounts {
  items: number;
  /** Ordered (better, worse) pairs: ties give none. */
  pairs: number;
  skippedUnlabeled: number;
  skippedAllTied: number;
}

export function emptyCounts(): SplitCounts {
  return { items: 0, pairs: 0, skippedUnlabeled: 0, skippedAllTied: 0 };
}

/** Pairs as the worker's `preference_pairs` makes them: i better than j when rank_i < rank_j. */
export function preferencePairs(ranking: readonly number[]): number {
  let pairs = 0;
  for (const a of ranking) for (const b of ranking) if (a < b) pairs += 1;
  return pairs;
}

/** Visits every trainable item of `splits`, page by page (bounded memory on 100k items). */
export async function forEachTrainable(
  store: ProjectStore,
  splits: readonly Split[],
  counts: SplitCounts,
  visit: (item: FullItem) => Promise<void> | void,
): Promise<void> {
  const pages = store.itemPages();
  for (const split of new Set(splits)) {
    let after = 0;
    for (let page = pages.page(after, PAGE, split); page.length > 0; page = pages.page(after, PAGE, split)) {
      for (const item of page) {
        if (item.ranking === null) {
          counts.skippedUnlabeled += 1;
          continue;
        }
        const pairs = preferencePairs(item.ranking);
        if (pairs === 0) {
          counts.skippedAllTied += 1;
          continue;
        }
        counts.items += 1;
        counts.pairs += pairs;
        await visit(item);
      }
      after = page[page.length - 1]?.rowid ?? after;
    }
  }
}
