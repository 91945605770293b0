/**
 * Turning what a person did on screen into the ranking the store keeps. The screen shows the
 * responses in a shuffled order (`shownOrder[position]` = original index of the response shown at
 * that position); the stored ranking ALWAYS refers to original indices (`ranking[i]` = rank of
 * response i, 0 = best, equal = tie). Every conversion between the two lives here, so it can be
 * tested without a browser.
 */

export type PairChoice = 'first' | 'second' | 'tie' | 'both_bad';
export type Strength = 'slightly' | 'clearly';

export interface JudgmentDraft {
  ranking: number[];
  decision: 'ranked' | 'tie' | 'both_bad';
  strength?: Strength;
}

/** The identity order, used when the server sent no shuffled order (no annotator yet). */
export function identityOrder(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}

/**
 * The order to show the responses in: the server's `shownOrder` when it is a permutation of them,
 * else identity. (Not app/annotation/display-order.ts `displayOrder`, which makes that shuffle.)
 */
export function usableShownOrder(shownOrder: readonly number[] | null | undefined, count: number): number[] {
  if (!shownOrder || shownOrder.length !== count) return identityOrder(count);
  const seen = new Set(shownOrder);
  if (seen.size !== count || shownOrder.some((index) => !Number.isInteger(index) || index < 0 || index >= count)) return identityOrder(count);
  return [...shownOrder];
}

/** A pair decision about the two responses as shown (first = left, "A"), in original indices. */
export function pairDraft(choice: PairChoice, shownOrder: readonly number[], strength?: Strength): JudgmentDraft {
  const [left, right] = shownOrder;
  if (left === undefined || right === undefined || shownOrder.length !== 2) throw new Error('pairDraft needs a display order of two responses.');
  if (choice === 'tie' || choice === 'both_bad') return { ranking: [0, 0], decision: choice };
  const ranking = [0, 0];
  ranking[choice === 'first' ? right : left] = 1;
  return strength ? { ranking, decision: 'ranked', strength } : { ranking, decision: 'ranked' };
}

/**
 * Ranks typed per displayed position (1-based, as the keys show them; equal = tie) into a stored
 * ranking over original indices, made dense and starting at 0 ("1 1 3" → 0, 0, 1) so the same
 * preference is always spelled the same way. Null while any position has no rank yet.
 */
export function rankingFromPositions(positionRanks: readonly (number | null)[], shownOrder: readonly number[]): number[] | null {
  if (positionRanks.length !== shownOrder.length || positionRanks.some((rank) => rank === null)) return null;
  const distinct = [...new Set(positionRanks as number[])].sort((a, b) => a - b);
  const ranking = new Array<number>(shownOrder.length).fill(0);
  positionRanks.forEach((rank, position) => {
    const original = shownOrder[position] as number;
    ranking[original] = distinct.indexOf(rank as number);
  });
  return ranking;
}

/** The other way: a stored ranking shown as 1-based ranks per displayed position (for editing a past judgment). */
export function positionsFromRanking(ranking: readonly number[], shownOrder: readonly number[]): (number | null)[] {
  if (ranking.length !== shownOrder.length) return shownOrder.map(() => null);
  return shownOrder.map((original) => (ranking[original] ?? 0) + 1);
}

/** Which pair choice a stored pair judgment was, seen from the display order (to highlight it). */
export function pairChoiceOf(ranking: readonly number[], decision: string | null, shownOrder: readonly number[]): PairChoice | null {
  if (ranking.length !== 2 || shownOrder.length !== 2) return null;
  if (decision === 'both_bad') return 'both_bad';
  const [left, right] = shownOrder as [number, number];
  const a = ranking[left] as number;
  const b = ranking[right] as number;
  if (a === b) return 'tie';
  return a < b ? 'first' : 'second';
}

/**
 * Drag and drop: the response at `fromPosition` takes the place (in the ranked order) of the one
 * at `toPosition`, which moves one place down or up. Returns strict 1-based ranks per displayed
 * position. Unranked responses count after the ranked ones, in display order, so dragging in a
 * fresh list just works.
 */
export function moveInOrder(positionRanks: readonly (number | null)[], fromPosition: number, toPosition: number): number[] {
  const order = positionRanks
    .map((rank, position) => ({ rank, position }))
    .sort((a, b) => {
      if (a.rank === null && b.rank === null) return a.position - b.position;
      if (a.rank === null) return 1;
      if (b.rank === null) return -1;
      return a.rank - b.rank || a.position - b.position;
    })
    .map((entry) => entry.position);
  const from = order.indexOf(fromPosition);
  const to = order.indexOf(toPosition);
  if (from >= 0 && to >= 0 && from !== to) {
    order.splice(from, 1);
    order.splice(to, 0, fromPosition);
  }
  const ranks = new Array<number>(positionRanks.length).fill(0);
  order.forEach((position, place) => {
    ranks[position] = place + 1;
  });
  return ranks;
}

/** Displayed positions sorted best first (for the "A > C = B" line under the list). */
export function placesInOrder(positionRanks: readonly (number | null)[]): number[][] {
  const groups = new Map<number, number[]>();
  positionRanks.forEach((rank, position) => {
    if (rank === null) return;
    const group = groups.get(rank) ?? [];
    group.push(position);
    groups.set(rank, group);
  });
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, positions]) => positions);
}
