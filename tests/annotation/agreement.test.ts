import { describe, expect, it } from 'vitest';
import { agreementReport, pairCategory, type RatedItem } from '../../app/annotation/agreement';

function item(itemId: string, ratings: Record<string, number[]>, adjudicated = false): RatedItem {
  return { itemId, adjudicated, ratings: Object.entries(ratings).map(([annotator, ranking]) => ({ annotator, ranking })) };
}

describe('agreement report', () => {
  it('categorises pairs; an all-equal ranking (tie or both bad) is a tie', () => {
    expect(pairCategory([0, 1])).toBe('first');
    expect(pairCategory([1, 0])).toBe('second');
    expect(pairCategory([0, 0])).toBe('tie');
  });

  it('two annotators on pairs: percent agreement and their kappa', () => {
    // ana \ bob   first second tie
    // first          2     1     0
    // second         0     1     0
    // tie            0     0     1      n = 5, agree 4
    // p_o = 4/5; ana: first 3, second 1, tie 1; bob: first 2, second 2, tie 1
    // p_e = (3·2 + 1·2 + 1·1)/25 = 9/25; κ = (20/25 − 9/25)/(16/25) = 11/16
    const items = [
      item('a', { ana: [0, 1], bob: [0, 1] }),
      item('b', { ana: [0, 1], bob: [0, 1] }),
      item('c', { ana: [0, 1], bob: [1, 0] }, true),
      item('d', { ana: [1, 0], bob: [1, 0] }),
      item('e', { ana: [0, 0], bob: [0, 0] }),
    ];
    const report = agreementReport(items);
    expect(report.annotators).toEqual(['ana', 'bob']);
    expect(report.itemsWithSeveral).toBe(5);
    expect(report.pairs.items).toBe(5);
    expect(report.pairs.percentAgreement).toBeCloseTo(4 / 5, 12);
    expect(report.pairs.cohensKappa).toBeCloseTo(11 / 16, 12);
    expect(report.pairs.byAnnotatorPair).toEqual([
      { a: 'ana', b: 'bob', items: 5, percentAgreement: 0.8, cohensKappa: expect.closeTo(11 / 16, 12) as number },
    ]);
    expect(report.rankings).toEqual({ items: 0, krippendorffAlpha: null, meanKendallTauDistance: null });
    expect(report.conflicts).toBe(1);
    expect(report.adjudicated).toBe(1);
  });

  it("three annotators: Light's kappa is the mean of the pairwise kappas", () => {
    // ana/bob agree on x, y; carl disagrees on y.
    //   x: ana first, bob first, carl first
    //   y: ana second, bob second, carl first
    //   z: ana first, bob second (carl absent)
    // ana–bob: 3 items [(f,f),(s,s),(f,s)]: p_o = 2/3, ana f2 s1, bob f1 s2 → p_e = (2·1 + 1·2)/9 = 4/9,
    //          κ = (6/9 − 4/9)/(5/9) = 2/5
    // ana–carl: [(f,f),(s,f)]: p_o = 1/2, ana f1 s1, carl f2 → p_e = (1·2)/4 = 1/2, κ = 0
    // bob–carl: [(f,f),(s,f)]: same → κ = 0
    // Light: (2/5 + 0 + 0)/3 = 2/15. Percent over every comparison: 2 + 1 + 1 = 4 of 7.
    const report = agreementReport([
      item('x', { ana: [0, 1], bob: [0, 1], carl: [0, 1] }),
      item('y', { ana: [1, 0], bob: [1, 0], carl: [0, 1] }),
      item('z', { ana: [0, 1], bob: [1, 0] }),
    ]);
    expect(report.pairs.byAnnotatorPair.map((p) => [p.a, p.b, p.items])).toEqual([
      ['ana', 'bob', 3],
      ['ana', 'carl', 2],
      ['bob', 'carl', 2],
    ]);
    expect(report.pairs.byAnnotatorPair[0]?.cohensKappa).toBeCloseTo(2 / 5, 12);
    expect(report.pairs.cohensKappa).toBeCloseTo(2 / 15, 12);
    expect(report.pairs.percentAgreement).toBeCloseTo(4 / 7, 12);
    expect(report.conflicts).toBe(2);
  });

  it('rankings: alpha with the Kendall-tau distance and the mean distance', () => {
    // Same data as the hand computation in krippendorff-alpha.test.ts → α = 4/9;
    // distances per item 0, 0, 1 → mean 1/3.
    const report = agreementReport([
      item('r1', { ana: [0, 1, 2], bob: [0, 1, 2] }),
      item('r2', { ana: [2, 1, 0], bob: [2, 1, 0] }),
      item('r3', { ana: [0, 1, 2], bob: [2, 1, 0] }),
      item('single', { ana: [0, 1] }),
    ]);
    expect(report.itemsWithSeveral).toBe(3);
    expect(report.pairs.items).toBe(0);
    expect(report.pairs.percentAgreement).toBeNull();
    expect(report.rankings.items).toBe(3);
    expect(report.rankings.krippendorffAlpha).toBeCloseTo(4 / 9, 12);
    expect(report.rankings.meanKendallTauDistance).toBeCloseTo(1 / 3, 12);
    expect(report.conflicts).toBe(1);
    expect(report.adjudicated).toBe(0);
  });
});
