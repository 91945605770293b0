import { describe, expect, it } from 'vitest';
import { displayOrder, fnv1a32 } from '../../app/annotation/display-order';

describe('display order', () => {
  it('is a permutation of the response indices', () => {
    for (const n of [2, 3, 5, 12, 64]) {
      const order = displayOrder('item-1', 'ana', n);
      expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });

  it('is the same on every call (stable across reloads) and pinned to known values', () => {
    expect(displayOrder('item-1', 'ana', 5)).toEqual(displayOrder('item-1', 'ana', 5));
    // Pinned: changing the hash or the shuffle would silently reshuffle every annotator's items.
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(displayOrder('item-1', 'ana', 5)).toEqual([1, 3, 2, 4, 0]);
  });

  it('differs between annotators and between items, and is balanced for pairs', () => {
    let differentAnnotators = 0;
    let swapped = 0;
    const n = 2000;
    for (let i = 0; i < n; i++) {
      const a = displayOrder(`item-${i}`, 'ana', 4).join();
      const b = displayOrder(`item-${i}`, 'bob', 4).join();
      if (a !== b) differentAnnotators += 1;
      if (displayOrder(`item-${i}`, 'ana', 2)[0] === 1) swapped += 1;
    }
    // 4 responses: 24 orders, so two annotators see the same one about 1/24 of the time.
    expect(differentAnnotators / n).toBeGreaterThan(0.9);
    // Left/right: about half the pairs are shown swapped.
    expect(swapped / n).toBeGreaterThan(0.45);
    expect(swapped / n).toBeLessThan(0.55);
  });

  it('keeps item and annotator apart in the hash', () => {
    expect(fnv1a32('ab\u0000c')).not.toBe(fnv1a32('a\u0000bc'));
  });
});
