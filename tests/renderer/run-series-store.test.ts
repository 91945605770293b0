import { describe, expect, it } from 'vitest';
import { buildChartModel, type ChartRun } from '../../renderer/charts/chart-lines';
import { CHART_SPECS } from '../../renderer/charts/chart-specs';
import { RunSeriesStore, type MetricRowLike } from '../../renderer/charts/run-series-store';
import { ChartCache } from '../../renderer/charts/chart-cache';

function rows(fromId: number, count: number, tag = 'loss'): MetricRowLike[] {
  return Array.from({ length: count }, (_, k) => ({ id: fromId + k, step: fromId + k, tag, value: 1 / (fromId + k), wallTime: 1000 + fromId + k }));
}

describe('per-run series store', () => {
  it('appends live batches once each, by rowid', () => {
    const store = new RunSeriesStore();
    const seen: number[] = [];
    store.subscribe((runId) => seen.push(runId));
    store.beginLoad(1);
    store.receiveLoaded({ runId: 1, rows: rows(1, 10), lastId: 10 });
    store.finishLoad(1);
    store.receiveLive({ runId: 1, rows: rows(8, 5), lastId: 12 }); // 8..10 again, 11..12 new
    store.receiveLive({ runId: 1, rows: rows(13, 2), lastId: 14 });
    const loss = store.peek(1)!.get('loss')!;
    expect(loss.length).toBe(14);
    expect(Array.from(loss.steps.subarray(0, 14))).toEqual(Array.from({ length: 14 }, (_, k) => k + 1));
    expect(store.peek(1)!.lastId).toBe(14);
    expect(seen.length).toBeGreaterThan(0);
  });

  it('holds live batches back while the initial load runs, so no row is skipped', () => {
    const store = new RunSeriesStore();
    store.beginLoad(2);
    store.receiveLoaded({ runId: 2, rows: rows(1, 100), lastId: 100 });
    // A live batch arrives before the load's second page.
    store.receiveLive({ runId: 2, rows: rows(151, 10), lastId: 160 });
    store.receiveLoaded({ runId: 2, rows: rows(101, 55), lastId: 155 });
    store.finishLoad(2);
    const loss = store.peek(2)!.get('loss')!;
    expect(loss.length).toBe(160);
    const steps = Array.from(loss.steps.subarray(0, loss.length));
    expect(steps).toEqual(Array.from({ length: 160 }, (_, k) => k + 1));
  });

  it('ignores batches of runs nobody loaded', () => {
    const store = new RunSeriesStore();
    store.receiveLive({ runId: 9, rows: rows(1, 3), lastId: 3 });
    expect(store.peek(9)).toBeUndefined();
  });

  it('times are seconds since the run\'s first row', () => {
    const store = new RunSeriesStore();
    store.beginLoad(3);
    store.receiveLoaded({ runId: 3, rows: rows(5, 3), lastId: 7 });
    store.finishLoad(3);
    expect(Array.from(store.peek(3)!.get('loss')!.elapsed.subarray(0, 3))).toEqual([0, 1, 2]);
  });

  it('builds a bounded chart model from 100k points, overlaying two runs', () => {
    const store = new RunSeriesStore();
    for (const runId of [1, 2]) {
      store.beginLoad(runId);
      const all: MetricRowLike[] = [];
      for (let i = 1; i <= 100_000; i += 1) all.push({ id: i, step: i, tag: 'loss', value: runId + Math.sin(i), wallTime: i / 10 });
      store.receiveLoaded({ runId, rows: all, lastId: 100_000 });
      store.finishLoad(runId);
    }
    const runs: ChartRun[] = [1, 2].map((runId) => ({ runId, name: `run-${runId}`, color: '#000', series: store.peek(runId)! }));
    const spec = CHART_SPECS.find((chart) => chart.id === 'loss')!;
    const model = buildChartModel(spec, runs, { xAxis: 'step', smoothing: 0.9, logScale: false }, 400, new ChartCache());
    expect(model.pointCount).toBe(200_000);
    expect(model.lines).toHaveLength(2);
    // raw + smoothed, two runs, ≤ 2 points per pixel bucket each
    expect(model.renderedPoints).toBeLessThanOrEqual(4 * 2 * 401);
    expect(model.xDomain).toEqual([1, 100_000]);
    const time = buildChartModel(spec, runs, { xAxis: 'time', smoothing: 0, logScale: true }, 400, new ChartCache());
    expect(time.lines[0]!.smoothed).toBeNull();
    expect(time.lines[0]!.raw.length).toBeGreaterThan(0);
    expect(time.xDomain![0]).toBe(0);
  });
});
