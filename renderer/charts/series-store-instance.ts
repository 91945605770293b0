/**
 * The app's one series store, its live feed and its loader. Module-level on purpose: the
 * buffers must outlive the Run view (leave it and come back, and the 100k points are still
 * there; only rows written meanwhile are fetched).
 *
 * Live rows come from `runs.onMetrics`, subscribed once per client. After a reconnect the events
 * sent while the socket was down are gone, so every loaded run catches up from its last rowid.
 */
import type { StudioClient } from '../client/studio-client';
import { FrameScheduler } from './frame-scheduler';
import { RunSeriesStore } from './run-series-store';
import type { MetricsBatch } from '../client/contract-types';

export const seriesStore = new RunSeriesStore((fire) => requestAnimationFrame(fire));
export const chartScheduler = new FrameScheduler();

/** Rows asked for per `runs.metrics` call; the loop continues from the last rowid until it catches up. */
const PAGE_GUARD = 10_000;

const connected = new WeakSet<StudioClient>();
const inFlight = new Map<number, Promise<void>>();

export function connectSeriesStore(client: StudioClient): void {
  if (connected.has(client)) return;
  connected.add(client);
  client.on('runs.onMetrics', (batch: MetricsBatch) => seriesStore.receiveLive(batch));
  let wasOpen = false;
  client.onConnection((status) => {
    const open = status.state === 'open';
    if (open && !wasOpen) for (const runId of seriesStore.loadedRunIds()) void catchUp(client, runId);
    wasOpen = open;
  });
}

/** Everything after the run's last applied rowid, page after page, live batches held meanwhile. */
async function catchUp(client: StudioClient, runId: number): Promise<void> {
  const existing = inFlight.get(runId);
  if (existing) return existing;
  const run = seriesStore.beginLoad(runId);
  const task = (async () => {
    try {
      for (let page = 0; page < PAGE_GUARD; page += 1) {
        const before = run.lastId;
        const batches = await client.invoke('runs.metrics', { ids: [runId], afterId: before });
        const batch = batches.find((entry) => entry.runId === runId);
        if (!batch || batch.rows.length === 0) break;
        seriesStore.receiveLoaded(batch);
        if (run.lastId <= before) break;
      }
      seriesStore.finishLoad(runId);
    } catch (error) {
      seriesStore.failLoad(runId, error instanceof Error ? error.message : String(error));
    } finally {
      inFlight.delete(runId);
    }
  })();
  inFlight.set(runId, task);
  return task;
}

/** Loads a run's metrics once; later calls only catch up when the first load failed. */
export function ensureRunMetrics(client: StudioClient, runId: number): void {
  const run = seriesStore.peek(runId);
  if (run && (run.loadState === 'live' || run.loadState === 'loading')) return;
  void catchUp(client, runId);
}

export function forgetRunMetrics(runId: number): void {
  seriesStore.forget(runId);
}
