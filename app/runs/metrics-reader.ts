/**
 * Read-only access to a run's metrics.sqlite (written only by the worker; schema in
 * workers/README.md). WAL lets us read while the worker writes; we never write, so a studio bug
 * cannot damage a run's record. A file that does not exist yet, or whose tables the worker has not
 * created yet, reads as "nothing yet" rather than an error.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import type { MetricRow } from './types';
import { StatementCache } from '../store/statement-cache';

export type WorkerPhase = 'starting' | 'loading' | 'training' | 'evaluating' | 'saving' | 'finished' | 'stopped' | 'failed';

export interface WorkerStatus {
  pid: number;
  phase: WorkerPhase;
  step: number;
  totalSteps: number | null;
  epoch: number | null;
  /** Unix seconds, refreshed every 2 s by the worker's heartbeat thread. */
  heartbeat: number;
  message: string | null;
}

export interface WorkerEvent {
  id: number;
  ts: number;
  kind: string;
  json: string;
}

export interface WorkerCheckpoint {
  id: number;
  step: number;
  path: string;
  created: number;
  metricsJson: string;
  isBest: boolean;
  deleted: boolean;
}

export const TERMINAL_PHASES: ReadonlySet<WorkerPhase> = new Set(['finished', 'stopped', 'failed']);

const SCALAR_COLUMNS = 'SELECT id, step, tag, value, wall_time AS wallTime FROM scalars';

export class MetricsReader {
  private readonly db: Database.Database;
  private readonly statements: StatementCache;

  private constructor(readonly file: string) {
    this.db = new Database(file, { readonly: true, fileMustExist: true });
    this.statements = new StatementCache(this.db);
    // The worker holds its write lock for one short transaction; wait rather than fail.
    this.db.pragma('busy_timeout = 5000');
  }

  /** Null while the worker has not created the file (or it is not a metrics database yet). */
  static tryOpen(file: string): MetricsReader | null {
    if (!existsSync(file)) return null;
    try {
      const reader = new MetricsReader(file);
      if (!reader.ready()) {
        reader.close();
        return null;
      }
      return reader;
    } catch {
      return null;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** The worker creates its tables in one transaction right after opening the file. */
  private ready(): boolean {
    const row = this.db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('scalars', 'events', 'status', 'checkpoints')").get() as { n: number };
    return row.n === 4;
  }

  /** Scalar rows after `afterId` in rowid order, at most `limit`. */
  scalarsAfter(afterId: number, limit: number): MetricRow[] {
    return this.statements.get(`${SCALAR_COLUMNS} WHERE id > ? ORDER BY id LIMIT ?`).all(afterId, limit) as MetricRow[];
  }

  /**
   * Every scalar row after `afterId` (optionally of some tags) and the last rowid of the table,
   * read in one transaction so a client can continue from `lastId` with live batches.
   */
  allScalarsAfter(afterId: number, tags?: readonly string[]): { rows: MetricRow[]; lastId: number } {
    return this.db.transaction(() => {
      const rows =
        tags && tags.length > 0
          ? (this.db
              .prepare(`${SCALAR_COLUMNS} WHERE id > ? AND tag IN (${tags.map(() => '?').join(', ')}) ORDER BY id`)
              .all(afterId, ...tags) as MetricRow[])
          : (this.statements.get(`${SCALAR_COLUMNS} WHERE id > ? ORDER BY id`).all(afterId) as MetricRow[]);
      const last = this.statements.get('SELECT COALESCE(MAX(id), 0) AS id FROM scalars').get() as { id: number };
      return { rows, lastId: Math.max(last.id, afterId) };
    })();
  }

  /** The first and last logged step of a tag and their wall times (seconds since the epoch); null before any. */
  stepSpan(tag: string): { firstStep: number; lastStep: number; firstWall: number; lastWall: number } | null {
    const row = this.statements
      .get('SELECT MIN(step) AS firstStep, MAX(step) AS lastStep, MIN(wall_time) AS firstWall, MAX(wall_time) AS lastWall FROM scalars WHERE tag = ?')
      .get(tag) as { firstStep: number | null; lastStep: number; firstWall: number; lastWall: number };
    return row.firstStep === null ? null : { firstStep: row.firstStep, lastStep: row.lastStep, firstWall: row.firstWall, lastWall: row.lastWall };
  }

  maxScalarId(): number {
    return (this.statements.get('SELECT COALESCE(MAX(id), 0) AS id FROM scalars').get() as { id: number }).id;
  }

  status(): WorkerStatus | null {
    const row = this.statements.get('SELECT pid, phase, step, total_steps, epoch, heartbeat, message FROM status WHERE id = 1').get() as
      | { pid: number; phase: WorkerPhase; step: number; total_steps: number | null; epoch: number | null; heartbeat: number; message: string | null }
      | undefined;
    if (!row) return null;
    return { pid: row.pid, phase: row.phase, step: row.step, totalSteps: row.total_steps, epoch: row.epoch, heartbeat: row.heartbeat, message: row.message };
  }

  eventsAfter(afterId: number): WorkerEvent[] {
    return this.statements.get('SELECT id, ts, kind, json FROM events WHERE id > ? ORDER BY id').all(afterId) as WorkerEvent[];
  }

  lastEvent(kind: string): WorkerEvent | null {
    return (this.statements.get('SELECT id, ts, kind, json FROM events WHERE kind = ? ORDER BY id DESC LIMIT 1').get(kind) as WorkerEvent | undefined) ?? null;
  }

  checkpoints(): WorkerCheckpoint[] {
    const rows = this.statements.get('SELECT id, step, path, created, metrics_json, is_best, deleted FROM checkpoints ORDER BY id').all() as {
      id: number;
      step: number;
      path: string;
      created: number;
      metrics_json: string;
      is_best: number;
      deleted: number;
    }[];
    return rows.map((row) => ({ id: row.id, step: row.step, path: row.path, created: row.created, metricsJson: row.metrics_json, isBest: row.is_best === 1, deleted: row.deleted === 1 }));
  }

  /** Changes whenever a checkpoint is added, retired or becomes the best: cheap to poll. */
  checkpointSignature(): string {
    const row = this.statements.get('SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS m, COALESCE(SUM(is_best * id), 0) AS b, COALESCE(SUM(deleted), 0) AS d FROM checkpoints').get() as {
      n: number;
      m: number;
      b: number;
      d: number;
    };
    return `${row.n}:${row.m}:${row.b}:${row.d}`;
  }

  /** Progress figures for a run's summary. */
  summaryFigures(): { bestEvalAccuracy: number | null; lastLoss: number | null } {
    const best = this.statements.get("SELECT MAX(value) AS v FROM scalars WHERE tag = 'eval_accuracy'").get() as { v: number | null };
    const loss = this.statements.get("SELECT value AS v FROM scalars WHERE tag = 'loss' ORDER BY id DESC LIMIT 1").get() as { v: number } | undefined;
    return { bestEvalAccuracy: best.v, lastLoss: loss?.v ?? null };
  }
}
