/**
 * Every loaded run's metric series, kept outside React (DESIGN.md: "keep incoming points in a
 * buffer outside React, redraw at most once per animation frame").
 *
 * Rows arrive two ways: the initial `runs.metrics` load and the live `runs.onMetrics` batches.
 * Both carry the metrics.sqlite rowid; a run remembers the last one applied, so a row that comes
 * twice (a live batch that overlapped the load, a catch-up after reconnecting) is applied once.
 * While a run's initial load is in flight, live batches wait in a queue: applying them first
 * would move `lastId` past rows the load has not delivered yet, and those rows would be skipped.
 *
 * Listeners are told "run N changed" through `notify`, which the app wires to
 * requestAnimationFrame (several batches in one frame become one notification); tests pass a
 * synchronous one.
 */
import { SeriesBuffer } from './series-buffer';

export interface MetricRowLike {
  id: number;
  step: number;
  tag: string;
  value: number;
  wallTime: number;
}

export interface MetricsBatchLike {
  runId: number;
  rows: readonly MetricRowLike[];
  lastId: number;
}

export type LoadState = 'idle' | 'loading' | 'live' | 'error';

export class RunSeries {
  readonly series = new Map<string, SeriesBuffer>();
  lastId = 0;
  /** wall_time of the first row, the zero of the "time" x axis. */
  startWallTime: number | null = null;
  loadState: LoadState = 'idle';
  loadError: string | null = null;
  /** Live batches that arrived during the initial load. */
  pending: MetricsBatchLike[] = [];
  version = 0;

  constructor(readonly runId: number) {}

  get(tag: string): SeriesBuffer | undefined {
    return this.series.get(tag);
  }

  /** Points across all tags (what the e2e test and the status line count). */
  totalPoints(): number {
    let total = 0;
    for (const buffer of this.series.values()) total += buffer.length;
    return total;
  }

  /** Applies rows newer than `lastId`; returns how many were new. */
  applyRows(rows: readonly MetricRowLike[], lastId: number): number {
    let applied = 0;
    for (const row of rows) {
      if (row.id <= this.lastId) continue;
      this.startWallTime ??= row.wallTime;
      let buffer = this.series.get(row.tag);
      if (!buffer) {
        buffer = new SeriesBuffer();
        this.series.set(row.tag, buffer);
      }
      buffer.push(row.step, row.wallTime - this.startWallTime, row.value);
      this.lastId = row.id;
      applied += 1;
    }
    // A batch whose rows were all filtered (tags) still moves the cursor.
    if (lastId > this.lastId) this.lastId = lastId;
    if (applied > 0) this.version += 1;
    return applied;
  }
}

export type RunChangeListener = (runId: number) => void;

export class RunSeriesStore {
  private readonly runs = new Map<number, RunSeries>();
  private readonly listeners = new Set<RunChangeListener>();
  private readonly dirty = new Set<number>();

  constructor(private readonly notify: (fire: () => void) => void = (fire) => fire()) {}

  run(runId: number): RunSeries {
    let run = this.runs.get(runId);
    if (!run) {
      run = new RunSeries(runId);
      this.runs.set(runId, run);
    }
    return run;
  }

  peek(runId: number): RunSeries | undefined {
    return this.runs.get(runId);
  }

  loadedRunIds(): number[] {
    return [...this.runs.keys()];
  }

  forget(runId: number): void {
    this.runs.delete(runId);
    this.changed(runId);
  }

  subscribe(listener: RunChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** A live batch: applied now, or queued while the run's initial load runs, or ignored for runs nobody looks at. */
  receiveLive(batch: MetricsBatchLike): void {
    const run = this.runs.get(batch.runId);
    if (!run || run.loadState === 'idle' || run.loadState === 'error') return;
    if (run.loadState === 'loading') {
      run.pending.push(batch);
      return;
    }
    if (run.applyRows(batch.rows, batch.lastId) > 0) this.changed(batch.runId);
  }

  /** One page of the initial load (or of a catch-up); live batches keep queueing. */
  receiveLoaded(batch: MetricsBatchLike): void {
    const run = this.run(batch.runId);
    if (run.applyRows(batch.rows, batch.lastId) > 0) this.changed(batch.runId);
  }

  beginLoad(runId: number): RunSeries {
    const run = this.run(runId);
    run.loadState = 'loading';
    run.loadError = null;
    return run;
  }

  /** The load caught up: queued live batches are applied in order (duplicates fall away by rowid). */
  finishLoad(runId: number): void {
    const run = this.run(runId);
    const queued = run.pending;
    run.pending = [];
    run.loadState = 'live';
    let applied = 0;
    for (const batch of queued) applied += run.applyRows(batch.rows, batch.lastId);
    // Always notify: the chart's "loading" state ends even when the run has no rows yet.
    run.version += applied > 0 ? 0 : 1;
    this.changed(runId);
  }

  failLoad(runId: number, message: string): void {
    const run = this.run(runId);
    run.loadState = 'error';
    run.loadError = message;
    run.pending = [];
    run.version += 1;
    this.changed(runId);
  }

  /** Many batches within one frame become one notification per run. */
  private changed(runId: number): void {
    const first = this.dirty.size === 0;
    this.dirty.add(runId);
    if (!first) return;
    this.notify(() => {
      const runIds = [...this.dirty];
      this.dirty.clear();
      for (const id of runIds) for (const listener of [...this.listeners]) listener(id);
    });
  }
}
