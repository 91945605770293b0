/**
 * Krippendorff's alpha for any distance metric, computed from its definition:
 *
 *   α = 1 − D_o / D_e
 *
 * over the pairable values (units — here items — with at least two values; n = their count):
 *   D_o = (1/n) Σ_u 1/(m_u − 1) Σ_{i≠j in u} δ(v_ui, v_uj)     observed disagreement within units
 *   D_e = Σ_{i≠j, all pairable values} δ(v_i, v_j) / (n(n − 1))   expected disagreement between any two
 * (ordered pairs; δ is the distance metric, δ² for interval data in Krippendorff's notation is
 * simply passed in as the metric). This equals the coincidence-matrix form in Krippendorff,
 * "Computing Krippendorff's Alpha-Reliability" (2011).
 *
 * Equal values are pooled by `key` so D_e costs (distinct values)² rather than n², which keeps
 * 100k items cheap. `comparable` restricts D_e to pairs that can be compared at all — rankings
 * of items with different numbers of responses have no distance — and divides by the number of
 * such ordered pairs; when everything is comparable this is exactly the definition above.
 *
 * Returns null when alpha is undefined: no pairable values, or no expected disagreement
 * (every value the same, so agreement cannot be told from chance).
 */
export interface AlphaOptions<T> {
  distance: (a: T, b: T) => number;
  /** Equal keys mean equal values (same distance to everything). */
  key: (value: T) => string;
  comparable?: (a: T, b: T) => boolean;
}

export function krippendorffAlpha<T>(units: readonly (readonly T[])[], options: AlphaOptions<T>): number | null {
  const pairable = units.filter((unit) => unit.length >= 2);
  let n = 0;
  let observedSum = 0;
  const pooled = new Map<string, { value: T; count: number }>();
  for (const unit of pairable) {
    const m = unit.length;
    n += m;
    let within = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        if (i !== j) within += options.distance(unit[i] as T, unit[j] as T);
      }
    }
    observedSum += within / (m - 1);
    for (const value of unit) {
      const key = options.key(value);
      const entry = pooled.get(key);
      if (entry === undefined) pooled.set(key, { value, count: 1 });
      else entry.count += 1;
    }
  }
  if (n === 0) return null;
  const observed = observedSum / n;

  const groups = [...pooled.values()];
  let expectedSum = 0;
  let comparablePairs = 0;
  for (const a of groups) {
    for (const b of groups) {
      if (options.comparable !== undefined && !options.comparable(a.value, b.value)) continue;
      // Ordered pairs of distinct positions: a value is not paired with itself.
      const pairs = a === b ? a.count * (a.count - 1) : a.count * b.count;
      comparablePairs += pairs;
      if (a !== b) expectedSum += pairs * options.distance(a.value, b.value);
    }
  }
  if (comparablePairs === 0) return null;
  const expected = expectedSum / comparablePairs;
  if (expected === 0) return null;
  return 1 - observed / expected;
}

/** Nominal data: values agree or not. */
export function nominalDistance<T>(a: T, b: T): number {
  return a === b ? 0 : 1;
}

/** Interval data: Krippendorff's δ² = (a − b)². */
export function intervalDistance(a: number, b: number): number {
  return (a - b) * (a - b);
}
