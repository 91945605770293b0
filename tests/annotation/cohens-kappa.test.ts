import { describe, expect, it } from 'vitest';
import { cohensKappa, percentAgreement } from '../../app/annotation/cohens-kappa';

/** Pairs from a contingency table: table[r][c] items where A said cats[r] and B said cats[c]. */
function fromTable<C extends string>(cats: C[], table: number[][]): [C, C][] {
  const pairs: [C, C][] = [];
  table.forEach((row, r) => row.forEach((count, c) => {
    for (let k = 0; k < count; k++) pairs.push([cats[r] as C, cats[c] as C]);
  }));
  return pairs;
}

describe("Cohen's kappa", () => {
  it('matches the textbook 2×2 example (Wikipedia: 20/5/10/15 → κ = 0.4)', () => {
    const pairs = fromTable(['yes', 'no'], [[20, 5], [10, 15]]);
    // p_o = 35/50 = 0.7; p_e = 0.5·0.6 + 0.5·0.4 = 0.5; κ = 0.2/0.5 = 0.4
    expect(percentAgreement(pairs)).toBeCloseTo(0.7, 12);
    expect(cohensKappa(pairs)).toBeCloseTo(0.4, 12);
  });

  it('matches a hand-computed 3×3 table', () => {
    // A \ B     first second tie
    // first       10     2    3     (15)
    // second       1     8    1     (10)
    // tie          2     2    6     (10)
    //            (13)  (12) (10)    n = 35
    // p_o = 24/35; p_e = (15·13 + 10·12 + 10·10)/35² = 415/1225
    // κ = (24/35 − 415/1225) / (1 − 415/1225) = (840 − 415)/(1225 − 415) = 425/810
    const pairs = fromTable(['first', 'second', 'tie'], [[10, 2, 3], [1, 8, 1], [2, 2, 6]]);
    expect(cohensKappa(pairs)).toBeCloseTo(425 / 810, 12);
  });

  it('is 1 for perfect agreement, negative below chance, null when undefined', () => {
    expect(cohensKappa(fromTable(['a', 'b'], [[3, 0], [0, 2]]))).toBeCloseTo(1, 12);
    // Always disagree with balanced margins: p_o = 0, p_e = 0.5 → −1.
    expect(cohensKappa(fromTable(['a', 'b'], [[0, 2], [2, 0]]))).toBeCloseTo(-1, 12);
    expect(cohensKappa([])).toBeNull();
    // Both always say "a": p_e = 1, chance explains everything.
    expect(cohensKappa(fromTable(['a', 'b'], [[4, 0], [0, 0]]))).toBeNull();
    expect(percentAgreement([])).toBeNull();
  });
});
