import { describe, expect, it } from 'vitest';
import {
  usableShownOrder,
  moveInOrder,
  pairChoiceOf,
  pairDraft,
  placesInOrder,
  positionsFromRanking,
  rankingFromPositions,
} from '../../renderer/views/annotate/ranking-from-decision';

describe('pair decisions → stored ranking (original indices)', () => {
  it('maps A/B through the display order', () => {
    // Screen shows response 1 on the left (A) and response 0 on the right (B).
    expect(pairDraft('first', [1, 0])).toEqual({ ranking: [1, 0], decision: 'ranked' });
    expect(pairDraft('second', [1, 0], 'clearly')).toEqual({ ranking: [0, 1], decision: 'ranked', strength: 'clearly' });
    expect(pairDraft('first', [0, 1], 'slightly')).toEqual({ ranking: [0, 1], decision: 'ranked', strength: 'slightly' });
  });

  it('stores tie and both-bad as equal ranks, without strength', () => {
    expect(pairDraft('tie', [1, 0], 'clearly')).toEqual({ ranking: [0, 0], decision: 'tie' });
    expect(pairDraft('both_bad', [0, 1])).toEqual({ ranking: [0, 0], decision: 'both_bad' });
  });

  it('reads a saved pair judgment back as the choice on screen', () => {
    expect(pairChoiceOf([1, 0], 'ranked', [1, 0])).toBe('first');
    expect(pairChoiceOf([1, 0], 'ranked', [0, 1])).toBe('second');
    expect(pairChoiceOf([0, 0], 'tie', [0, 1])).toBe('tie');
    expect(pairChoiceOf([0, 0], 'both_bad', [1, 0])).toBe('both_bad');
  });
});

describe('rankings typed per screen position', () => {
  it('become dense ranks over original indices', () => {
    // Positions A, B, C show responses 2, 0, 1; typed A=2, B=1, C=3.
    expect(rankingFromPositions([2, 1, 3], [2, 0, 1])).toEqual([0, 2, 1]);
    // Ties and gaps: "1 3 3" is the same preference as "1 2 2".
    expect(rankingFromPositions([1, 3, 3], [0, 1, 2])).toEqual([0, 1, 1]);
    expect(rankingFromPositions([1, null, 2], [0, 1, 2])).toBeNull();
  });

  it('round-trips through positions', () => {
    const order = [3, 1, 0, 2];
    const ranking = [2, 0, 1, 1];
    expect(rankingFromPositions(positionsFromRanking(ranking, order), order)).toEqual(ranking);
  });

  it('drag and drop takes the target place', () => {
    // Order A(1) B(2) C(3); drop C on A → C A B.
    expect(moveInOrder([1, 2, 3], 2, 0)).toEqual([2, 3, 1]);
    // Unranked responses follow in display order.
    expect(moveInOrder([null, null, null], 0, 2)).toEqual([3, 1, 2]);
    expect(placesInOrder([2, 1, 2])).toEqual([[1], [0, 2]]);
  });

  it('falls back to the identity order for a missing or broken display order', () => {
    expect(usableShownOrder(null, 3)).toEqual([0, 1, 2]);
    expect(usableShownOrder([0, 0, 1], 3)).toEqual([0, 1, 2]);
    expect(usableShownOrder([2, 0, 1], 3)).toEqual([2, 0, 1]);
  });
});
