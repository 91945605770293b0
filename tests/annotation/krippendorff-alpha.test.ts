import { describe, expect, it } from 'vitest';
import { canonicalRanking, kendallTauDistance } from '../../app/annotation/kendall-tau';
import { intervalDistance, krippendorffAlpha, nominalDistance } from '../../app/annotation/krippendorff-alpha';

/**
 * Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers,
 * twelve units, missing values (null). Published: nominal α = 0.743, interval α = 0.849.
 */
const OBSERVERS: (number | null)[][] = [
  [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
  [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
];
const UNITS: number[][] = Array.from({ length: 12 }, (_, u) =>
  OBSERVERS.map((row) => row[u]).filter((v): v is number => v !== null && v !== undefined),
);

const rankingAlpha = (units: number[][][]): number | null =>
  krippendorffAlpha(units.map((unit) => unit.map(canonicalRanking)), {
    distance: kendallTauDistance,
    key: (r) => r.join(','),
    comparable: (a, b) => a.length === b.length,
  });

describe("Krippendorff's alpha", () => {
  it('reproduces the published nominal and interval values', () => {
    expect(krippendorffAlpha(UNITS, { distance: nominalDistance, key: String })).toBeCloseTo(0.743, 3);
    expect(krippendorffAlpha(UNITS, { distance: intervalDistance, key: String })).toBeCloseTo(0.849, 3);
  });

  it('with the Kendall-tau distance matches a hand computation', () => {
    // Two items, two annotators, three responses:
    //   item 1: A = [0,1,2], B = [0,1,2]   (δ = 0)
    //   item 2: A = [0,1,2], B = [0,2,1]   (δ = 1/3)
    // n = 4 values. D_o = (1/n) Σ_u 1/(m_u−1) Σ_{i≠j} δ = (1/4)·(0 + 2·1/3) = 1/6.
    // Values: [0,1,2] ×3, [0,2,1] ×1. Ordered pairs of distinct values: 2·3·1 = 6 with δ = 1/3,
    // all pairs n(n−1) = 12 → D_e = (6·1/3)/12 = 1/6. α = 1 − (1/6)/(1/6) = 0.
    expect(rankingAlpha([[[0, 1, 2], [0, 1, 2]], [[0, 1, 2], [0, 2, 1]]])).toBeCloseTo(0, 12);

    // Three items: agreement on two different rankings, a full reversal on the third.
    //   u1: [0,1,2],[0,1,2]   u2: [2,1,0],[2,1,0]   u3: [0,1,2],[2,1,0]
    // D_o = (1/6)·(0 + 0 + 2·1) = 1/3. Values: [0,1,2] ×3, [2,1,0] ×3 (δ = 1 between them).
    // D_e = (2·3·3·1)/(6·5) = 18/30 = 3/5. α = 1 − (1/3)/(3/5) = 1 − 5/9 = 4/9.
    expect(rankingAlpha([[[0, 1, 2], [0, 1, 2]], [[2, 1, 0], [2, 1, 0]], [[0, 1, 2], [2, 1, 0]]])).toBeCloseTo(4 / 9, 12);

    // Ties: u1: [0,0,1],[0,1,2] (δ = 1/6); u2: [0,1,2],[0,1,2].
    // D_o = (1/4)·(2·1/6) = 1/12. Values: [0,0,1] ×1, [0,1,2] ×3 → D_e = (2·1·3·1/6)/12 = 1/12 → α = 0.
    expect(rankingAlpha([[[0, 0, 1], [0, 1, 2]], [[0, 1, 2], [0, 1, 2]]])).toBeCloseTo(0, 12);
  });

  it('is 1 with perfect agreement and variation, null when undefined', () => {
    expect(rankingAlpha([[[0, 1, 2], [0, 1, 2]], [[2, 1, 0], [2, 1, 0]]])).toBeCloseTo(1, 12);
    expect(rankingAlpha([[[0, 1, 2], [0, 1, 2]]])).toBeNull(); // no variation at all
    expect(rankingAlpha([[[0, 1, 2]]])).toBeNull(); // nothing pairable
  });

  it('compares rankings only with rankings of the same length', () => {
    // A 4-response unit beside the 3-response ones adds its own within-unit disagreement and
    // its own expected pairs, never a distance between a 3- and a 4-ranking (which would throw).
    const mixed = rankingAlpha([
      [[0, 1, 2], [0, 1, 2]],
      [[2, 1, 0], [2, 1, 0]],
      [[0, 1, 2, 3], [3, 2, 1, 0]],
    ]);
    // D_o = (1/6)(0 + 0 + 2·1) = 1/3. Comparable ordered pairs: within the 3-length values
    // ([0,1,2]×2, [2,1,0]×2): 4·3 = 12, of which 8 cross (δ = 1); within the 4-length values: 2, both δ = 1.
    // D_e = (8 + 2)/(12 + 2) = 10/14. α = 1 − (1/3)/(10/14) = 1 − 14/30 = 8/15.
    expect(mixed).toBeCloseTo(8 / 15, 12);
  });
});
