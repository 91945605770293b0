/**
 * Inter-annotator agreement from the judgments of items that several people judged
 * (adjudications are never counted: they are the resolution, not a vote). Pure functions; the
 * store's AgreementSource gathers their input.
 *
 * Pairs (two responses): each judgment is a category — first better, second better, or tie
 * ('both_bad' is stored as a tie and counts as one). Percent agreement is over every annotator
 * pair on every item; Cohen's kappa is per annotator pair over the items both judged, and overall
 * it is that kappa when exactly two annotators took part, else the mean of the pairwise kappas
 * that are defined (Light's kappa, 1971).
 *
 * Rankings (three or more responses): Krippendorff's alpha with the normalised Kendall-tau
 * distance (ties: 1/2 per pair tied on one side only, see kendall-tau.ts) as its metric; values
 * are only compared with rankings of the same length. Also the mean Kendall-tau distance over
 * every annotator pair on every ranking item.
 */
import type { AgreementReport, PairAgreement } from './types';
import { cohensKappa, percentAgreement } from './cohens-kappa';
import { canonicalRanking, kendallTauDistance } from './kendall-tau';
import { krippendorffAlpha } from './krippendorff-alpha';

export type PairCategory = 'first' | 'second' | 'tie';

/** One item judged by two or more annotators (one rating each, adjudications left out). */
export interface RatedItem {
  itemId: string;
  ratings: { annotator: string; ranking: number[] }[];
  adjudicated: boolean;
}

export function pairCategory(ranking: readonly number[]): PairCategory {
  const [first, second] = ranking as [number, number];
  return first < second ? 'first' : first > second ? 'second' : 'tie';
}

/**
 * Annotators' rankings differ. Compared as stored, like the store's `conflicting` filter, so the
 * report and the conflict list always count the same items ([0, 2, 2] and [0, 1, 1] say the same
 * thing but are spelled differently; such a pair is listed, and adjudication settles it).
 */
export function isConflict(item: RatedItem): boolean {
  const keys = new Set(item.ratings.map((rating) => JSON.stringify(rating.ranking)));
  return keys.size > 1;
}

export function agreementReport(items: readonly RatedItem[]): AgreementReport {
  const several = items.filter((item) => new Set(item.ratings.map((r) => r.annotator)).size >= 2);
  const pairItems = several.filter((item) => (item.ratings[0]?.ranking.length ?? 0) === 2);
  const rankingItems = several.filter((item) => (item.ratings[0]?.ranking.length ?? 0) >= 3);
  const conflicts = several.filter(isConflict);
  const annotators = [...new Set(several.flatMap((item) => item.ratings.map((r) => r.annotator)))].sort();
  return {
    annotators,
    itemsWithSeveral: several.length,
    pairs: pairAgreement(pairItems),
    rankings: rankingAgreement(rankingItems),
    conflicts: conflicts.length,
    adjudicated: conflicts.filter((item) => item.adjudicated).length,
  };
}

function pairAgreement(items: readonly RatedItem[]): AgreementReport['pairs'] {
  const everyComparison: [PairCategory, PairCategory][] = [];
  const byPair = new Map<string, { a: string; b: string; pairs: [PairCategory, PairCategory][] }>();
  for (const item of items) {
    const ratings = [...item.ratings].sort((x, y) => (x.annotator < y.annotator ? -1 : x.annotator > y.annotator ? 1 : 0));
    for (let i = 0; i < ratings.length; i++) {
      for (let j = i + 1; j < ratings.length; j++) {
        const a = ratings[i] as RatedItem['ratings'][number];
        const b = ratings[j] as RatedItem['ratings'][number];
        const pair: [PairCategory, PairCategory] = [pairCategory(a.ranking), pairCategory(b.ranking)];
        everyComparison.push(pair);
        const key = JSON.stringify([a.annotator, b.annotator]);
        let entry = byPair.get(key);
        if (entry === undefined) {
          entry = { a: a.annotator, b: b.annotator, pairs: [] };
          byPair.set(key, entry);
        }
        entry.pairs.push(pair);
      }
    }
  }
  const byAnnotatorPair: PairAgreement[] = [...byPair.values()]
    .map(({ a, b, pairs }) => ({ a, b, items: pairs.length, percentAgreement: percentAgreement(pairs), cohensKappa: cohensKappa(pairs) }))
    .sort((x, y) => (x.a === y.a ? (x.b < y.b ? -1 : 1) : x.a < y.a ? -1 : 1));
  const participants = new Set(byAnnotatorPair.flatMap((pair) => [pair.a, pair.b]));
  let overallKappa: number | null = null;
  if (participants.size === 2) {
    overallKappa = byAnnotatorPair[0]?.cohensKappa ?? null;
  } else {
    const defined = byAnnotatorPair.map((pair) => pair.cohensKappa).filter((k): k is number => k !== null);
    overallKappa = defined.length === 0 ? null : defined.reduce((sum, k) => sum + k, 0) / defined.length;
  }
  return {
    items: items.length,
    percentAgreement: percentAgreement(everyComparison),
    cohensKappa: overallKappa,
    byAnnotatorPair,
  };
}

function rankingAgreement(items: readonly RatedItem[]): AgreementReport['rankings'] {
  const units = items.map((item) => item.ratings.map((rating) => canonicalRanking(rating.ranking)));
  const alpha = krippendorffAlpha(units, {
    distance: kendallTauDistance,
    key: (ranking) => ranking.join(','),
    comparable: (a, b) => a.length === b.length,
  });
  let distanceSum = 0;
  let comparisons = 0;
  for (const unit of units) {
    for (let i = 0; i < unit.length; i++) {
      for (let j = i + 1; j < unit.length; j++) {
        distanceSum += kendallTauDistance(unit[i] as number[], unit[j] as number[]);
        comparisons += 1;
      }
    }
  }
  return {
    items: items.length,
    krippendorffAlpha: alpha,
    meanKendallTauDistance: comparisons === 0 ? null : distanceSum / comparisons,
  };
}
