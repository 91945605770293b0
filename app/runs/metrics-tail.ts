/**
 * Follows one run's metrics.sqlite while it trains: new scalar rows by rowid, the status row, new
 * events, checkpoint changes. Rows are polled often (so they are seen within ~100 ms of the
 * worker's commit) but published in batches at most every `batchMs` (≤ 4 per second by
 * default): the renderer redraws per batch, not per row. Every row read goes into exactly one
 * batch, in rowid order, and each batch says the last rowid it holds — nothing is dropped, and a
 * client that loaded history with runs.metrics continues after its `lastId` without gaps.
 */
import { MetricsReader, type WorkerCheckpoint, type WorkerEvent, type WorkerStatus } from './metrics-reader';
import type { MetricRow, MetricsBatch } from './types';

export interface MetricsTailListener {
  onRows(batch: MetricsBatch): void;
  onStatus(status: WorkerStatus): void;
  onEvents(events: WorkerEvent[]): void;
  onCheckpoints(checkpoints: WorkerCheckpoint[]): void;
}

export interface MetricsTailOptions {
  /** Minimum time between two published batches. */
  batchMs: number;
  /** Start after this rowid; null = after whatever the file holds when it is first opened. */
  afterId: number | null;
  /** Events are few and carry the run's story (data report, errors): read from here (0 = all). */
  afterEventId: number;
}

/** Rows read per query; a poll keeps reading until it has caught up. */
const READ_CHUNK = 10_000;

export class MetricsTail {
  private reader: MetricsReader | null = null;
  private lastId: number;
  private lastEventId: number;
  private pending: MetricRow[] = [];
  private lastPublish = 0;
  private lastStatusKey = '';
  private lastCheckpointSignature = '';
  private closed = false;

  constructor(
    readonly runId: number,
    readonly file: string,
    private readonly listener: MetricsTailListener,
    private readonly options: MetricsTailOptions,
  ) {
    this.lastId = options.afterId ?? -1;
    this.lastEventId = options.afterEventId;
  }

  /** The last rowid handed to the listener or waiting in the current batch. */
  get position(): number {
    return Math.max(this.lastId, 0);
  }

  /** True once the worker has created its tables. */
  get opened(): boolean {
    return this.reader !== null;
  }

  /** Reads whatever is new; publishes a batch when `batchMs` has passed since the last one. */
  poll(now: number = Date.now()): void {
    if (this.closed) return;
    const reader = this.open();
    if (!reader) return;
    try {
      for (;;) {
        const rows = reader.scalarsAfter(this.lastId, READ_CHUNK);
        if (rows.length === 0) break;
        this.pending.push(...rows);
        this.lastId = (rows[rows.length - 1] as MetricRow).id;
        if (rows.length < READ_CHUNK) break;
      }
      const events = reader.eventsAfter(this.lastEventId);
      if (events.length > 0) {
        this.lastEventId = (events[events.length - 1] as WorkerEvent).id;
        this.listener.onEvents(events);
      }
      const status = reader.status();
      if (status) {
        const key = `${status.phase}|${status.step}|${status.totalSteps}|${status.heartbeat}|${status.message}`;
        if (key !== this.lastStatusKey) {
          this.lastStatusKey = key;
          this.listener.onStatus(status);
        }
      }
      const signature = reader.checkpointSignature();
      if (signature !== this.lastCheckpointSignature) {
        this.lastCheckpointSignature = signature;
        this.listener.onCheckpoints(reader.checkpoints());
      }
    } catch (error) {
      // A long write lock or a file being replaced: the next poll retries from the same rowid.
      if (!isTransient(error)) throw error;
    }
    if (this.pending.length > 0 && now - this.lastPublish >= this.options.batchMs) this.publish(now);
  }

  /** Publishes whatever is pending at once (the run ended; the next batch would never come). */
  flush(): void {
    if (this.pending.length > 0) this.publish(Date.now());
  }

  close(): void {
    this.closed = true;
    this.reader?.close();
    this.reader = null;
  }

  private publish(now: number): void {
    const rows = this.pending;
    this.pending = [];
    this.lastPublish = now;
    this.listener.onRows({ runId: this.runId, rows, lastId: (rows[rows.length - 1] as MetricRow).id });
  }

  private open(): MetricsReader | null {
    if (this.reader) return this.reader;
    this.reader = MetricsReader.tryOpen(this.file);
    if (this.reader && this.lastId < 0) {
      // Attached to a run already under way: history is runs.metrics' job, follow from here.
      this.lastId = this.reader.maxScalarId();
    }
    return this.reader;
  }
}

function isTransient(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || code === 'SQLITE_IOERR_SHORT_READ';
}
