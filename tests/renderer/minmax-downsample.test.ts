import { describe, expect, it } from 'vitest';
import { MinMaxDownsampler, minMaxDownsample, niceCeil } from '../../renderer/charts/minmax-downsample';

/** A deterministic noisy loss curve (no Math.random: failures must reproduce). */
function lossCurve(n: number): { xs: Float64Array; ys: Float64Array } {
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  let seed = 12345;
  for (let i = 0; i < n; i += 1) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    xs[i] = i + 1;
    ys[i] = 0.7 * Math.exp(-i / (n / 4)) + 0.05 * (seed / 2 ** 31);
  }
  return { xs, ys };
}

describe('min/max bucket downsampling', () => {
  it('keeps the minimum and maximum of every bucket', () => {
    const n = 100_000;
    const { xs, ys } = lossCurve(n);
    const buckets = 500;
    const out = minMaxDownsample({ xs, ys, length: n }, buckets);
    const width = niceCeil((xs[n - 1]! - xs[0]!) / buckets);
    const origin = Math.floor(xs[0]! / width) * width;
    // Recompute each bucket's extremes by brute force and find them in the output.
    const expected = new Map<number, { min: number; max: number }>();
    for (let i = 0; i < n; i += 1) {
      const bucket = Math.floor((xs[i]! - origin) / width);
      const entry = expected.get(bucket) ?? { min: Infinity, max: -Infinity };
      entry.min = Math.min(entry.min, ys[i]!);
      entry.max = Math.max(entry.max, ys[i]!);
      expected.set(bucket, entry);
    }
    const got = new Map<number, number[]>();
    for (let k = 0; k < out.length; k += 1) {
      const bucket = Math.floor((out.xs[k]! - origin) / width);
      got.set(bucket, [...(got.get(bucket) ?? []), out.ys[k]!]);
    }
    expect(got.size).toBe(expected.size);
    for (const [bucket, { min, max }] of expected) {
      const values = got.get(bucket) ?? [];
      expect(Math.min(...values)).toBe(min);
      expect(Math.max(...values)).toBe(max);
    }
  });

  it('bounds the output to about two points per bucket however long the series', () => {
    for (const n of [1_000, 10_000, 100_000, 1_000_000]) {
      const { xs, ys } = lossCurve(n);
      for (const buckets of [16, 300, 800]) {
        const out = minMaxDownsample({ xs, ys, length: n }, buckets);
        expect(out.length).toBeLessThanOrEqual(2 * (buckets + 1));
        if (n > 2 * buckets) expect(out.length).toBeGreaterThan(buckets);
      }
    }
  });

  it('lets a single-step loss spike (and a dip) survive 100k points squeezed into 200 buckets', () => {
    const n = 100_000;
    const { xs, ys } = lossCurve(n);
    ys[43_210] = 9.5; // a divergence for one step
    ys[77_777] = -3; // and a dip
    const out = minMaxDownsample({ xs, ys, length: n }, 200);
    const outYs = Array.from(out.ys.subarray(0, out.length));
    expect(Math.max(...outYs)).toBe(9.5);
    expect(Math.min(...outYs)).toBe(-3);
    const spikeAt = outYs.indexOf(9.5);
    expect(out.xs[spikeAt]).toBe(xs[43_210]);
  });

  it('keeps the global minimum and maximum and emits points in x order', () => {
    const { xs, ys } = lossCurve(50_000);
    const out = minMaxDownsample({ xs, ys, length: 50_000 }, 123);
    const all = Array.from(ys);
    const outYs = Array.from(out.ys.subarray(0, out.length));
    expect(Math.max(...outYs)).toBe(Math.max(...all));
    expect(Math.min(...outYs)).toBe(Math.min(...all));
    for (let k = 1; k < out.length; k += 1) expect(out.xs[k]!).toBeGreaterThanOrEqual(out.xs[k - 1]!);
  });

  it('returns short series whole, skips NaN, and handles steps written twice by a resumed run', () => {
    const short = minMaxDownsample({ xs: [1, 2, 3], ys: [0.5, Number.NaN, 0.3], length: 3 }, 100);
    expect(Array.from(short.xs.subarray(0, short.length))).toEqual([1, 3]);
    expect(Array.from(short.ys.subarray(0, short.length))).toEqual([0.5, 0.3]);

    const xs = [...Array.from({ length: 1000 }, (_, i) => i), ...Array.from({ length: 500 }, (_, i) => 500 + i)];
    const ys = xs.map((x, i) => (i === 1200 ? 50 : Math.sin(x / 50)));
    const out = minMaxDownsample({ xs, ys, length: xs.length }, 50);
    expect(out.length).toBeLessThanOrEqual(102);
    expect(Math.max(...Array.from(out.ys.subarray(0, out.length)))).toBe(50);
    for (let k = 1; k < out.length; k += 1) expect(out.xs[k]!).toBeGreaterThanOrEqual(out.xs[k - 1]!);
  });

  it('aligns bucket edges so a growing series keeps its earlier shape', () => {
    const { xs, ys } = lossCurve(20_000);
    const a = minMaxDownsample({ xs, ys, length: 19_000 }, 400);
    const b = minMaxDownsample({ xs, ys, length: 19_500 }, 400);
    // Same nice bucket width for both lengths: every point of the shorter output is also in the longer one.
    const inB = new Set(Array.from(b.xs.subarray(0, b.length)));
    const kept = Array.from(a.xs.subarray(0, a.length - 2)).filter((x) => inB.has(x)).length;
    expect(kept).toBe(a.length - 2);
  });

  it('incremental downsampling of a growing series equals downsampling it whole', () => {
    const n = 60_000;
    const { xs, ys } = lossCurve(n);
    ys[12_345] = Number.NaN;
    ys[40_000] = 7;
    const downsampler = new MinMaxDownsampler();
    const source = {};
    for (let length = 50; length <= n; length += 1_237 + (length % 17)) {
      const incremental = downsampler.update(source, { xs, ys, length }, 300);
      const whole = minMaxDownsample({ xs, ys, length }, 300);
      expect(incremental.length).toBe(whole.length);
      expect(Array.from(incremental.xs.subarray(0, incremental.length))).toEqual(Array.from(whole.xs.subarray(0, whole.length)));
      expect(Array.from(incremental.ys.subarray(0, incremental.length))).toEqual(Array.from(whole.ys.subarray(0, whole.length)));
    }
    // A new source (re-smoothed values) starts over rather than mixing old buckets in.
    const other = ys.map((y) => y * 2);
    const restarted = downsampler.update({}, { xs, ys: other, length: n }, 300);
    const expected = minMaxDownsample({ xs, ys: other, length: n }, 300);
    expect(Array.from(restarted.ys.subarray(0, restarted.length))).toEqual(Array.from(expected.ys.subarray(0, expected.length)));
  });

  it('picks 1-2-5 bucket widths', () => {
    expect(niceCeil(0.3)).toBe(0.5);
    expect(niceCeil(3)).toBe(5);
    expect(niceCeil(10)).toBe(10);
    expect(niceCeil(11)).toBe(20);
    expect(niceCeil(249)).toBe(500);
    expect(niceCeil(0.2)).toBe(0.2);
  });
});

describe('y axis ticks', () => {
  it('covers the data with 1-2-5 steps and no duplicate ticks', async () => {
    const { linearAxis, logAxis } = await import('../../renderer/charts/axis-ticks');
    const axis = linearAxis(0.556, 0.775);
    expect(axis.ticks).toEqual([0.5, 0.6, 0.7, 0.8]);
    expect(axis.domain).toEqual([0.5, 0.8]);
    expect(new Set(axis.ticks).size).toBe(axis.ticks.length);
    expect(linearAxis(-0.12, 0.31).ticks).toEqual([-0.2, 0, 0.2, 0.4]);
    const flat = linearAxis(3e-4, 3e-4);
    expect(flat.domain[0]).toBeLessThan(3e-4);
    expect(flat.domain[1]).toBeGreaterThan(3e-4);
    expect(logAxis(0.03, 0.8).ticks).toEqual([0.02, 0.05, 0.1, 0.2, 0.5, 1]);
    expect(logAxis(0.001, 50).ticks).toEqual([0.001, 0.01, 0.1, 1, 10, 100]);
  });
});
