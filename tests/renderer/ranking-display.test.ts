import { describe, expect, it } from 'vitest';
import { ordinal, rankingOrderText, rankPlaces, responseLetter } from '../../renderer/views/items/ranking-display';

describe('ranking display', () => {
  it('orders responses best first, ties joined', () => {
    expect(rankingOrderText([0, 1])).toBe('A > B');
    expect(rankingOrderText([1, 0])).toBe('B > A');
    expect(rankingOrderText([2, 0, 0])).toBe('B = C > A');
    expect(rankingOrderText([0, 0])).toBe('A = B');
  });

  it('gives competition places with tie marks', () => {
    expect(rankPlaces([1, 0, 1])).toEqual([
      { place: 2, tied: true, best: false, worst: true },
      { place: 1, tied: false, best: true, worst: false },
      { place: 2, tied: true, best: false, worst: true },
    ]);
    expect(rankPlaces([0, 0]).every((place) => place.best && place.tied && !place.worst)).toBe(true);
  });

  it('names responses and places', () => {
    expect([0, 1, 25, 26, 27].map(responseLetter)).toEqual(['A', 'B', 'Z', 'AA', 'AB']);
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22].map(ordinal)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd']);
  });
});
