/**
 * The normalised Kendall-tau distance between two rankings of the same responses, with ties.
 *
 * Rankings use the store's spelling: `ranking[i]` is the rank of response i, 0 = best, equal
 * ranks are ties. Every pair of responses (i, j) is compared:
 *   - ordered the same way in both, or tied in both ........ 0
 *   - tied in one ranking, ordered in the other ............ 1/2
 *   - ordered oppositely ................................... 1
 * and the sum is divided by the number of pairs, n(n−1)/2, so the distance runs from 0
 * (identical) to 1 (one is the reverse of the other). This is Fagin et al.'s K^(p) for partial
 * rankings with penalty p = 1/2 ("Comparing partial rankings", 2006), which is a metric; with no
 * ties it is the classic normalised Kendall distance (discordant pairs / all pairs).
 */
export function kendallTauDistance(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) {
    throw new Error(`rankings of different lengths (${a.length} and ${b.length}) cannot be compared`);
  }
  const n = a.length;
  if (n < 2) return 0;
  let penalty = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const sa = Math.sign((a[i] as number) - (a[j] as number));
      const sb = Math.sign((b[i] as number) - (b[j] as number));
      if (sa === sb) continue;
      penalty += sa === 0 || sb === 0 ? 0.5 : 1;
    }
  }
  return penalty / ((n * (n - 1)) / 2);
}

/**
 * The same preference always spelled the same way: dense ranks from 0 ([0, 2, 2] → [0, 1, 1]).
 * Kendall distance only sees order, so this is the key under which equal values are pooled.
 */
export function canonicalRanking(ranking: readonly number[]): number[] {
  const distinct = [...new Set(ranking)].sort((x, y) => x - y);
  const dense = new Map(distinct.map((rank, index) => [rank, index]));
  return ranking.map((rank) => dense.get(rank) as number);
}
