import { describe, expect, it } from 'vitest';
import { buildScatterMarks, categoryOf, CATEGORY_ORDER, nearestMark, scatterLayout, toPixelX, toPixelY, type ScatterInput } from '../../renderer/views/compare/scatter-marks';

/** Deterministic margins (no Math.random: failures must reproduce). */
function syntheticScatter(n: number): ScatterInput {
  const itemIds: string[] = [];
  const marginA: number[] = [];
  const marginB: number[] = [];
  const correctA: boolean[] = [];
  const correctB: boolean[] = [];
  let seed = 987_654;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = 0; i < n; i += 1) {
    const a = (next() - 0.4) * 6;
    const b = a * 0.7 + (next() - 0.5) * 3;
    itemIds.push(`item-${i}`);
    marginA.push(a);
    marginB.push(b);
    correctA.push(a > 0);
    correctB.push(b > 0);
  }
  return { itemIds, marginA, marginB, correctA, correctB };
}

function countsByCategory(input: ScatterInput): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < input.marginA.length; i += 1) {
    const category = categoryOf(input.correctA[i] as boolean, input.correctB[i] as boolean);
    counts[category] = (counts[category] ?? 0) + 1;
  }
  return counts;
}

describe('margin scatter marks', () => {
  it('names the four outcomes from the two verdicts', () => {
    expect(categoryOf(true, true)).toBe('both-right');
    expect(categoryOf(true, false)).toBe('a-only');
    expect(categoryOf(false, true)).toBe('b-only');
    expect(categoryOf(false, false)).toBe('both-wrong');
  });

  it('draws every item as its own mark on a small split, at its margins', () => {
    const input = syntheticScatter(300);
    const layout = scatterLayout(input, 320, 280);
    const marks = buildScatterMarks(input, layout);
    expect(marks.binned).toBe(false);
    expect(marks.length).toBe(300);
    const seen = new Set<number>();
    for (let m = 0; m < marks.length; m += 1) {
      const i = marks.itemIndex[m] as number;
      seen.add(i);
      expect(marks.xs[m]).toBeCloseTo(toPixelX(layout, input.marginA[i] as number), 3);
      expect(marks.ys[m]).toBeCloseTo(toPixelY(layout, input.marginB[i] as number), 3);
      expect(CATEGORY_ORDER[marks.category[m] as number]).toBe(categoryOf(input.correctA[i] as boolean, input.correctB[i] as boolean));
    }
    expect(seen.size).toBe(300);
  });

  it('puts 0 inside the domain and keeps every point inside the plot', () => {
    const input: ScatterInput = { itemIds: ['a', 'b'], marginA: [2, 3], marginB: [1.5, 4], correctA: [true, true], correctB: [true, true] };
    const layout = scatterLayout(input, 200, 200);
    expect(layout.domain[0]).toBeLessThanOrEqual(0);
    expect(layout.domain[1]).toBeGreaterThanOrEqual(4);
    const marks = buildScatterMarks(input, layout);
    for (let m = 0; m < marks.length; m += 1) {
      expect(marks.xs[m]).toBeGreaterThanOrEqual(0);
      expect(marks.xs[m]).toBeLessThanOrEqual(200);
      expect(marks.ys[m]).toBeGreaterThanOrEqual(0);
      expect(marks.ys[m]).toBeLessThanOrEqual(200);
    }
  });

  it('bins 100k items into a bounded number of marks without losing an item or merging categories', () => {
    const input = syntheticScatter(100_000);
    const layout = scatterLayout(input, 360, 300);
    const started = performance.now();
    const marks = buildScatterMarks(input, layout);
    const elapsed = performance.now() - started;
    expect(marks.binned).toBe(true);
    // At most one mark per 2-px cell and category.
    expect(marks.length).toBeLessThanOrEqual(Math.ceil(360 / 2 + 1) * Math.ceil(300 / 2 + 1) * 4);
    expect(marks.length).toBeLessThan(100_000);
    // Every item is counted exactly once, in its own category.
    const expected = countsByCategory(input);
    const counted: Record<string, number> = {};
    for (let m = 0; m < marks.length; m += 1) {
      const category = CATEGORY_ORDER[marks.category[m] as number] as string;
      counted[category] = (counted[category] ?? 0) + (marks.count[m] as number);
    }
    expect(counted).toEqual(expected);
    // Marks come out in draw order (category index never decreases).
    for (let m = 1; m < marks.length; m += 1) expect(marks.category[m]).toBeGreaterThanOrEqual(marks.category[m - 1] as number);
    console.log(`scatter: 100,000 items → ${marks.length} marks in ${elapsed.toFixed(1)} ms`);
  });

  it('skips items with a non-finite margin', () => {
    const input: ScatterInput = { itemIds: ['a', 'b', 'c'], marginA: [1, Number.NaN, -1], marginB: [1, 2, Number.POSITIVE_INFINITY], correctA: [true, false, false], correctB: [true, true, true] };
    const marks = buildScatterMarks(input, scatterLayout(input, 100, 100));
    expect(marks.length).toBe(1);
    expect(marks.itemIndex[0]).toBe(0);
  });

  it('finds the mark under the pointer, the one painted on top when two coincide', () => {
    const input: ScatterInput = { itemIds: ['right', 'wrong', 'far'], marginA: [1, 1, -3], marginB: [1, 1, -3], correctA: [true, false, false], correctB: [true, true, false] };
    const layout = scatterLayout(input, 200, 200);
    const marks = buildScatterMarks(input, layout);
    const hit = nearestMark(marks, toPixelX(layout, 1) + 2, toPixelY(layout, 1) - 1, 8);
    // 'b-only' is drawn after 'both-right', so it is the one on top.
    expect(input.itemIds[marks.itemIndex[hit] as number]).toBe('wrong');
    expect(nearestMark(marks, toPixelX(layout, 4), toPixelY(layout, -3), 8)).toBe(-1);
  });
});
