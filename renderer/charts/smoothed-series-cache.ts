/**
 * The smoothed copy of each series, extended as points arrive instead of recomputed: a chart
 * redraws on every batch, and re-smoothing 100k points each time would be the most expensive
 * thing it does. Recomputed only when the weight changes or the buffer was replaced.
 */
import { createEma, emaPush, type EmaState } from './ema-smoothing';
import type { SeriesBuffer } from './series-buffer';

interface Entry {
  buffer: SeriesBuffer;
  state: EmaState;
  values: Float64Array;
  length: number;
}

export class SmoothedSeriesCache {
  private readonly entries = new Map<string, Entry>();

  /** Smoothed values of `buffer[0..buffer.length)`; the array may be longer than that. */
  get(key: string, buffer: SeriesBuffer, weight: number): Float64Array {
    let entry = this.entries.get(key);
    if (!entry || entry.buffer !== buffer || entry.state.weight !== createEma(weight).weight || entry.length > buffer.length) {
      entry = { buffer, state: createEma(weight), values: new Float64Array(Math.max(16, buffer.values.length)), length: 0 };
      this.entries.set(key, entry);
    }
    if (entry.values.length < buffer.length) {
      const grown = new Float64Array(buffer.values.length);
      grown.set(entry.values.subarray(0, entry.length));
      entry.values = grown;
    }
    for (let i = entry.length; i < buffer.length; i += 1) entry.values[i] = emaPush(entry.state, buffer.values[i] as number);
    entry.length = buffer.length;
    return entry.values;
  }

  /** Identity of the current smoothed copy: a new object whenever it was recomputed from scratch. */
  source(key: string): object | undefined {
    return this.entries.get(key);
  }
}
