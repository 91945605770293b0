import { describe, expect, it } from 'vitest';
import { createEma, emaPush, emaSmooth } from '../../renderer/charts/ema-smoothing';
import { SeriesBuffer } from '../../renderer/charts/series-buffer';
import { SmoothedSeriesCache } from '../../renderer/charts/smoothed-series-cache';

describe('EMA smoothing (TensorBoard-style, debiased)', () => {
  it('matches a hand computation', () => {
    // w = 0.5, values 1, 3, 2:
    //   m1 = 0.5·0 + 0.5·1 = 0.5   debias 1 − 0.5   = 0.5   → 1
    //   m2 = 0.5·0.5 + 0.5·3 = 1.75 debias 1 − 0.25 = 0.75  → 2.3333…
    //   m3 = 0.5·1.75 + 0.5·2 = 1.875 debias 1 − 0.125 = 0.875 → 2.142857…
    const out = emaSmooth([1, 3, 2], 3, 0.5);
    expect(out[0]).toBeCloseTo(1, 12);
    expect(out[1]).toBeCloseTo(7 / 3, 12);
    expect(out[2]).toBeCloseTo(15 / 7, 12);
  });

  it('is the raw series at weight 0 and starts at the first value at any weight', () => {
    expect(Array.from(emaSmooth([4, 1, 9], 3, 0))).toEqual([4, 1, 9]);
    expect(emaSmooth([4, 1, 9], 3, 0.95)[0]).toBeCloseTo(4, 12);
  });

  it('passes NaN through without poisoning later points', () => {
    const out = emaSmooth([1, Number.NaN, 3], 3, 0.5);
    expect(out[1]).toBeNaN();
    // Same as smoothing [1, 3]: (0.5·0.5 + 0.5·3) / 0.75
    expect(out[2]).toBeCloseTo(7 / 3, 12);
  });

  it('extends incrementally to the same values as a full recompute', () => {
    const buffer = new SeriesBuffer(4);
    const cache = new SmoothedSeriesCache();
    const values: number[] = [];
    for (let i = 0; i < 1000; i += 1) {
      const value = Math.cos(i / 7) + i / 100;
      values.push(value);
      buffer.push(i, i, value);
      if (i % 97 === 0) cache.get('k', buffer, 0.9);
    }
    const incremental = cache.get('k', buffer, 0.9).subarray(0, 1000);
    const full = emaSmooth(values, 1000, 0.9);
    for (let i = 0; i < 1000; i += 1) expect(incremental[i]).toBeCloseTo(full[i]!, 10);
    // A new weight recomputes.
    expect(cache.get('k', buffer, 0.5)[999]).toBeCloseTo(emaSmooth(values, 1000, 0.5)[999]!, 10);
  });

  it('clamps the weight below 1 (w = 1 would never move)', () => {
    const state = createEma(1);
    expect(state.weight).toBeLessThan(1);
    expect(emaPush(state, 2)).toBeCloseTo(2, 12);
  });
});
