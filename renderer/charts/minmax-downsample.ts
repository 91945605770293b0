/**
 * Min/max bucket downsampling for line charts (DESIGN.md, "charting raw series").
 *
 * The x range is cut into buckets about one pixel wide; each bucket keeps its lowest and its
 * highest point, in x order. Drawn as a polyline that is the same picture as the full series at
 * that width, and a one-step loss spike always survives (LTTB keeps "visually important"
 * points by triangle area and can drop a spike next to a steep stretch). The output is bounded
 * by 2 points per bucket however long the series grows.
 *
 * Bucket edges sit on multiples of a "nice" width (1, 2 or 5 × 10^k) instead of on the data's
 * first x: while a run streams, the range grows a little every batch, and edges that moved with
 * it would reshuffle every bucket's min and max and make the whole line shimmer. Aligned edges
 * only change when the width steps up, so old stretches of the line stay put.
 *
 * Points are not assumed to be sorted by x: a resumed run writes steps it already wrote once, so
 * buckets are filled in any order and emitted in x order.
 */

export interface DownsampleInput {
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  /** Points used from the start of the arrays (buffers are larger than what they hold). */
  length: number;
}

export interface DownsampledSeries {
  xs: Float64Array;
  ys: Float64Array;
  length: number;
}

/** The smallest of 1, 2, 5 × 10^k that is ≥ value (value > 0). */
export function niceCeil(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return 1;
  const exponent = Math.floor(Math.log10(value));
  const base = 10 ** exponent;
  for (const factor of [1, 2, 5, 10]) {
    const candidate = factor * base;
    // Relative tolerance: 0.3 / 0.1 is 2.9999999999999996, not 3.
    if (candidate >= value * (1 - 1e-12)) return candidate;
  }
  return 10 * base;
}

function isUsable(x: number, y: number): boolean {
  return Number.isFinite(x) && Number.isFinite(y);
}

/** Every usable point, copied in x order (used below the bucket threshold). */
function copyUsable(input: DownsampleInput): DownsampledSeries {
  const order: number[] = [];
  let sorted = true;
  let previous = -Infinity;
  for (let i = 0; i < input.length; i += 1) {
    const x = input.xs[i] as number;
    if (!isUsable(x, input.ys[i] as number)) continue;
    if (x < previous) sorted = false;
    previous = x;
    order.push(i);
  }
  if (!sorted) order.sort((a, b) => (input.xs[a] as number) - (input.xs[b] as number) || a - b);
  const xs = new Float64Array(order.length);
  const ys = new Float64Array(order.length);
  order.forEach((index, k) => {
    xs[k] = input.xs[index] as number;
    ys[k] = input.ys[index] as number;
  });
  return { xs, ys, length: order.length };
}

/**
 * At most `2 × (buckets + 1)` points that keep, for every bucket of x, the bucket's minimum and
 * maximum y. Non-finite values (a NaN loss) are skipped, never drawn as zero. Series with at
 * most `2 × buckets` usable points come back whole.
 */
export function minMaxDownsample(input: DownsampleInput, buckets: number): DownsampledSeries {
  const bucketTarget = Math.max(1, Math.floor(buckets));
  let usable = 0;
  let xMin = Infinity;
  let xMax = -Infinity;
  for (let i = 0; i < input.length; i += 1) {
    const x = input.xs[i] as number;
    if (!isUsable(x, input.ys[i] as number)) continue;
    usable += 1;
    if (x < xMin) xMin = x;
    if (x > xMax) xMax = x;
  }
  if (usable <= 2 * bucketTarget || xMax <= xMin) return copyUsable(input);

  const width = niceCeil((xMax - xMin) / bucketTarget);
  const origin = Math.floor(xMin / width) * width;
  // Aligned edges can need one bucket more than asked for; the bound says so.
  const bucketCount = Math.min(bucketTarget + 1, Math.floor((xMax - origin) / width) + 1);
  const minIndex = new Int32Array(bucketCount).fill(-1);
  const maxIndex = new Int32Array(bucketCount).fill(-1);

  for (let i = 0; i < input.length; i += 1) {
    const x = input.xs[i] as number;
    const y = input.ys[i] as number;
    if (!isUsable(x, y)) continue;
    const bucket = Math.min(bucketCount - 1, Math.floor((x - origin) / width));
    const low = minIndex[bucket] as number;
    if (low < 0 || y < (input.ys[low] as number)) minIndex[bucket] = i;
    const high = maxIndex[bucket] as number;
    if (high < 0 || y > (input.ys[high] as number)) maxIndex[bucket] = i;
  }

  return emitBuckets(input, minIndex, maxIndex, bucketCount);
}

/** Each bucket's min and max point, buckets in x order, the two points of a bucket in x order. */
function emitBuckets(input: DownsampleInput, minIndex: Int32Array, maxIndex: Int32Array, bucketCount: number): DownsampledSeries {
  const xs = new Float64Array(bucketCount * 2);
  const ys = new Float64Array(bucketCount * 2);
  let length = 0;
  const emit = (index: number) => {
    xs[length] = input.xs[index] as number;
    ys[length] = input.ys[index] as number;
    length += 1;
  };
  for (let bucket = 0; bucket < bucketCount; bucket += 1) {
    const low = minIndex[bucket] as number;
    const high = maxIndex[bucket] as number;
    if (low < 0) continue;
    if (low === high) {
      emit(low);
      continue;
    }
    // Within a bucket the two points keep their x order, so the line goes down-then-up (or the
    // reverse) the way the data did.
    const lowX = input.xs[low] as number;
    const highX = input.xs[high] as number;
    if (lowX < highX || (lowX === highX && low < high)) {
      emit(low);
      emit(high);
    } else {
      emit(high);
      emit(low);
    }
  }
  return { xs, ys, length };
}

/**
 * The same downsampling, kept up to date as a series grows: while the bucket width and origin
 * stay the same (they only change when the range outgrows a 1-2-5 step), only the new points are
 * placed in buckets, so a redraw costs O(new points + buckets) instead of O(series). A different
 * `source` (another buffer, re-smoothed values), a different bucket count or a shorter series
 * starts over. Results are identical to minMaxDownsample on the whole series.
 */
export class MinMaxDownsampler {
  private source: object | null = null;
  private target = 0;
  private scanned = 0;
  private usable = 0;
  private xMin = Infinity;
  private xMax = -Infinity;
  private width = 0;
  private origin = 0;
  private bucketCount = 0;
  private bucketed = 0;
  private minIndex = new Int32Array(0);
  private maxIndex = new Int32Array(0);

  update(source: object, input: DownsampleInput, buckets: number): DownsampledSeries {
    const target = Math.max(1, Math.floor(buckets));
    if (source !== this.source || target !== this.target || input.length < this.scanned) {
      this.source = source;
      this.target = target;
      this.scanned = 0;
      this.usable = 0;
      this.xMin = Infinity;
      this.xMax = -Infinity;
      this.width = 0;
    }
    for (let i = this.scanned; i < input.length; i += 1) {
      const x = input.xs[i] as number;
      if (!isUsable(x, input.ys[i] as number)) continue;
      this.usable += 1;
      if (x < this.xMin) this.xMin = x;
      if (x > this.xMax) this.xMax = x;
    }
    this.scanned = input.length;
    if (this.usable <= 2 * target || this.xMax <= this.xMin) {
      this.width = 0;
      return copyUsable(input);
    }

    const width = niceCeil((this.xMax - this.xMin) / target);
    const origin = Math.floor(this.xMin / width) * width;
    const bucketCount = Math.min(target + 1, Math.floor((this.xMax - origin) / width) + 1);
    if (width !== this.width || origin !== this.origin || bucketCount < this.bucketCount) {
      this.width = width;
      this.origin = origin;
      this.bucketed = 0;
      if (this.minIndex.length < target + 1) {
        this.minIndex = new Int32Array(target + 1);
        this.maxIndex = new Int32Array(target + 1);
      }
      this.minIndex.fill(-1);
      this.maxIndex.fill(-1);
    }
    this.bucketCount = bucketCount;

    for (let i = this.bucketed; i < input.length; i += 1) {
      const x = input.xs[i] as number;
      const y = input.ys[i] as number;
      if (!isUsable(x, y)) continue;
      const bucket = Math.min(target, Math.floor((x - origin) / width));
      const low = this.minIndex[bucket] as number;
      if (low < 0 || y < (input.ys[low] as number)) this.minIndex[bucket] = i;
      const high = this.maxIndex[bucket] as number;
      if (high < 0 || y > (input.ys[high] as number)) this.maxIndex[bucket] = i;
    }
    this.bucketed = input.length;
    return emitBuckets(input, this.minIndex, this.maxIndex, this.bucketCount);
  }
}
