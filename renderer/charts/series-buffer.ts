/**
 * One metric of one run (e.g. run 3's `loss`), held in growable typed arrays outside React.
 * 100k points are 2.4 MB here; as React state (objects in arrays, copied on every append) they
 * would be garbage-collected and diffed every batch.
 */
export class SeriesBuffer {
  steps: Float64Array;
  /** Seconds since the run's first recorded row, so runs overlay from a common start. */
  elapsed: Float64Array;
  values: Float64Array;
  length = 0;
  /** Bumped on every append, so a chart knows whether it must redraw. */
  version = 0;
  /** False once a step went backwards (a resumed run): lookups then fall back to a scan. */
  stepsAscending = true;

  constructor(initialCapacity = 256) {
    this.steps = new Float64Array(initialCapacity);
    this.elapsed = new Float64Array(initialCapacity);
    this.values = new Float64Array(initialCapacity);
  }

  push(step: number, elapsed: number, value: number): void {
    if (this.length === this.steps.length) this.grow();
    if (this.length > 0 && step < (this.steps[this.length - 1] as number)) this.stepsAscending = false;
    this.steps[this.length] = step;
    this.elapsed[this.length] = elapsed;
    this.values[this.length] = value;
    this.length += 1;
    this.version += 1;
  }

  lastValue(): number | null {
    return this.length > 0 ? (this.values[this.length - 1] as number) : null;
  }

  private grow(): void {
    const capacity = this.steps.length * 2;
    const copy = (source: Float64Array) => {
      const next = new Float64Array(capacity);
      next.set(source);
      return next;
    };
    this.steps = copy(this.steps);
    this.elapsed = copy(this.elapsed);
    this.values = copy(this.values);
  }
}

/** Index of the point whose x is nearest to `x` in ascending `xs[0..length)`; -1 when empty. */
export function nearestIndex(xs: ArrayLike<number>, length: number, x: number): number {
  if (length === 0) return -1;
  let low = 0;
  let high = length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((xs[mid] as number) < x) low = mid + 1;
    else high = mid;
  }
  if (low > 0 && Math.abs((xs[low - 1] as number) - x) <= Math.abs((xs[low] as number) - x)) return low - 1;
  return low;
}
