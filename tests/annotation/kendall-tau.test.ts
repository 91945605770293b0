import { describe, expect, it } from 'vitest';
import { canonicalRanking, kendallTauDistance } from '../../app/annotation/kendall-tau';

describe('normalised Kendall-tau distance', () => {
  it('is 0 for identical and 1 for reversed rankings', () => {
    expect(kendallTauDistance([0, 1, 2], [0, 1, 2])).toBe(0);
    expect(kendallTauDistance([0, 1, 2], [2, 1, 0])).toBe(1);
  });

  it('counts discordant pairs over all pairs', () => {
    // Pairs (0,1) (0,2) (1,2): only (1,2) is flipped → 1/3.
    expect(kendallTauDistance([0, 1, 2], [0, 2, 1])).toBeCloseTo(1 / 3, 12);
    // 4 responses, 6 pairs; [1,0,3,2] flips (0,1) and (2,3) → 2/6.
    expect(kendallTauDistance([0, 1, 2, 3], [1, 0, 3, 2])).toBeCloseTo(2 / 6, 12);
  });

  it('charges 1/2 for a pair tied on one side only and nothing for a pair tied on both', () => {
    // [0,0,1]: (0,1) tied vs ordered → 1/2; (0,2), (1,2) agree → 0.5/3.
    expect(kendallTauDistance([0, 1, 2], [0, 0, 1])).toBeCloseTo(0.5 / 3, 12);
    // All tied vs strict order: every pair 1/2 → 1/2.
    expect(kendallTauDistance([0, 0, 0], [0, 1, 2])).toBeCloseTo(0.5, 12);
    expect(kendallTauDistance([0, 0, 1], [0, 0, 1])).toBe(0);
    // (0,1) tied in both → 0; (0,2),(1,2) opposite → 2/3.
    expect(kendallTauDistance([0, 0, 1], [1, 1, 0])).toBeCloseTo(2 / 3, 12);
  });

  it('sees order, not spelling, and refuses different lengths', () => {
    expect(kendallTauDistance([0, 2, 2], [0, 1, 1])).toBe(0);
    expect(canonicalRanking([0, 2, 2, 5])).toEqual([0, 1, 1, 2]);
    expect(() => kendallTauDistance([0, 1], [0, 1, 2])).toThrow('different lengths');
  });
});
