/**
 * What one chart keeps between redraws so a redraw costs only the new points: each series'
 * smoothed copy and the incremental min/max buckets of its raw and smoothed lines.
 */
import { MinMaxDownsampler } from './minmax-downsample';
import { SmoothedSeriesCache } from './smoothed-series-cache';

export class ChartCache {
  readonly smoothed = new SmoothedSeriesCache();
  private readonly downsamplers = new Map<string, MinMaxDownsampler>();

  downsampler(key: string): MinMaxDownsampler {
    let downsampler = this.downsamplers.get(key);
    if (!downsampler) {
      downsampler = new MinMaxDownsampler();
      this.downsamplers.set(key, downsampler);
    }
    return downsampler;
  }
}
