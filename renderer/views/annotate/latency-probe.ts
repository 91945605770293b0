/**
 * Key press → next item painted, recorded only when the page opted in (the benchmark sets
 * `window.__REWARD_STUDIO_LATENCY__ = []` before the app loads). Off by default: nothing is kept
 * and nothing is measured in normal use.
 */
export interface LatencySample {
  itemId: string;
  /** `KeyboardEvent.timeStamp` of the key that moved on (same clock as performance.now()). */
  keyAt: number;
  /** When React committed the new item to the DOM (input handling + render cost ends here). */
  committedAt: number;
  /** After the frame that showed the new item's responses and decoded image was painted. */
  paintedAt: number;
  /** Whether the item's data was already prefetched when the key was pressed. */
  prefetched: boolean;
}

declare global {
  interface Window {
    __REWARD_STUDIO_LATENCY__?: LatencySample[];
  }
}

export function latencyProbeEnabled(): boolean {
  return Array.isArray(window.__REWARD_STUDIO_LATENCY__);
}

export function recordLatency(sample: LatencySample): void {
  const samples = window.__REWARD_STUDIO_LATENCY__;
  if (!Array.isArray(samples)) return;
  samples.push(sample);
  performance.measure(`annotate:next:${sample.itemId}`, { start: sample.keyAt, end: sample.paintedAt });
}
