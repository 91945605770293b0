/**
 * Exponential moving average for the smoothing slider, as TensorBoard draws it:
 *   m_n = w·m_{n−1} + (1−w)·y_n,  m_0 = 0,   smoothed_n = m_n / (1 − w^n)
 * The division ("debiasing") keeps the first points at the data's level instead of starting the
 * curve at zero and dragging it up. w = 0 is the raw series; w = 0.99 averages ~100 points.
 * Non-finite values (a NaN loss) are passed through as NaN and do not poison later points.
 *
 * The state object lets a chart extend its smoothed copy as points stream in, instead of
 * re-smoothing 100k points every batch.
 */

export interface EmaState {
  weight: number;
  /** The biased running mean m_n. */
  mean: number;
  /** Finite values seen so far (n). */
  count: number;
  /** w^n, kept as a product instead of Math.pow per point. */
  weightPower: number;
}

export function createEma(weight: number): EmaState {
  const clamped = Math.min(0.999, Math.max(0, weight));
  return { weight: clamped, mean: 0, count: 0, weightPower: 1 };
}

/** Feeds one value; returns the smoothed value at this point (NaN for a non-finite input). */
export function emaPush(state: EmaState, value: number): number {
  if (!Number.isFinite(value)) return Number.NaN;
  state.mean = state.weight * state.mean + (1 - state.weight) * value;
  state.count += 1;
  state.weightPower *= state.weight;
  const debias = 1 - state.weightPower;
  return debias > 0 ? state.mean / debias : value;
}

/** The smoothed copy of `values[0..length)`. */
export function emaSmooth(values: ArrayLike<number>, length: number, weight: number): Float64Array {
  const state = createEma(weight);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i += 1) out[i] = emaPush(state, values[i] as number);
  return out;
}
