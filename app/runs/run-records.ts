/**
 * The runs and checkpoints tables of project.sqlite (migrations 2 and 6). The run's own record
 * of truth is its metrics.sqlite; these rows are the project's index of runs, kept in step by the
 * run manager, so lists and pickers never open every run's database.
 */
import type Database from 'better-sqlite3';
import type { Problem } from '../errors';
import type { Split } from '../store/types';
import type { WorkerCheckpoint } from './metrics-reader';
import type { CheckpointInfo, RunStatus, RunSummary } from './types';

/** A worker process is being started or is running (what resume() reattaches to and what holds GPUs); a queued run has none yet. */
export const WORKER_STATUSES: readonly RunStatus[] = ['starting', 'running'];
export const TERMINAL_STATUSES: readonly RunStatus[] = ['finished', 'stopped', 'failed'];

export interface RunRow {
  id: number;
  name: string;
  dir: string;
  status: RunStatus;
  pid: number | null;
  config: Record<string, unknown>;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: Problem | null;
  presetId: string | null;
  baseModel: string;
  gpus: number[];
  splits: { train: Split[]; val: Split[] };
  trainItems: number;
  valItems: number;
  step: number;
  totalSteps: number | null;
  bestEvalAccuracy: number | null;
  lastLoss: number | null;
}

/** What a new run is recorded with; the rest (id, times, pid, progress) the records fill in. */
export type NewRun = Pick<RunRow, 'name' | 'dir' | 'status' | 'config' | 'presetId' | 'baseModel' | 'gpus' | 'splits' | 'trainItems' | 'valItems' | 'totalSteps'>;

export type RunPatch = Partial<Pick<RunRow, 'status' | 'pid' | 'startedAt' | 'finishedAt' | 'error' | 'step' | 'totalSteps' | 'bestEvalAccuracy' | 'lastLoss'>>;

interface RawRun {
  id: number;
  name: string;
  dir: string;
  status: RunStatus;
  pid: number | null;
  config_json: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  preset_id: string | null;
  base_model: string;
  gpus_json: string;
  splits_json: string;
  train_items: number;
  val_items: number;
  step: number;
  total_steps: number | null;
  best_eval_accuracy: number | null;
  last_loss: number | null;
}

const COLUMNS: Record<keyof RunPatch, string> = {
  status: 'status',
  pid: 'pid',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  error: 'error',
  step: 'step',
  totalSteps: 'total_steps',
  bestEvalAccuracy: 'best_eval_accuracy',
  lastLoss: 'last_loss',
};

/**
 * For other domains' reads that join a checkpoint and its run into one statement (see
 * store/table-owners.ts): `JOIN checkpoints c … JOIN runs r …` on the caller's checkpoint id
 * expression. The caller reads `c.*` and `r.*` columns.
 */
export function joinCheckpointAndRun(checkpointId: string): string {
  return `${joinCheckpoint(checkpointId)} JOIN runs r ON r.id = c.run_id`;
}

/** `JOIN checkpoints c` on the caller's checkpoint id expression. */
export function joinCheckpoint(checkpointId: string): string {
  return `JOIN checkpoints c ON c.id = ${checkpointId}`;
}

/** "Most recent checkpoint" first, over `c` (joinCheckpoint): newest by creation time, then id. */
export const NEWEST_CHECKPOINT_FIRST = 'c.created_at DESC, c.id DESC';

export class RunRecords {
  constructor(private readonly db: Database.Database) {}

  /** A checkpoint with its run's id and config as stored (what scoring it needs), or null. */
  checkpointWithRun(id: number): { id: number; path: string; runId: number; configJson: string | null } | null {
    const row = this.db
      .prepare('SELECT c.id, c.path, c.run_id, r.config_json FROM checkpoints c JOIN runs r ON r.id = c.run_id WHERE c.id = ?')
      .get(id) as { id: number; path: string; run_id: number; config_json: string | null } | undefined;
    return row ? { id: row.id, path: row.path, runId: row.run_id, configJson: row.config_json } : null;
  }

  insert(run: NewRun): number {
    const result = this.db
      .prepare(
        `INSERT INTO runs (name, dir, status, config_json, created_at, preset_id, base_model, gpus_json, splits_json, train_items, val_items, total_steps)
         VALUES (@name, @dir, @status, @config, @createdAt, @presetId, @baseModel, @gpus, @splits, @trainItems, @valItems, @totalSteps)`,
      )
      .run({
        name: run.name,
        dir: run.dir,
        status: run.status,
        config: JSON.stringify(run.config),
        createdAt: new Date().toISOString(),
        presetId: run.presetId,
        baseModel: run.baseModel,
        gpus: JSON.stringify(run.gpus),
        splits: JSON.stringify(run.splits),
        trainItems: run.trainItems,
        valItems: run.valItems,
        totalSteps: run.totalSteps,
      });
    return Number(result.lastInsertRowid);
  }

  get(id: number): RunRow | null {
    const raw = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RawRun | undefined;
    return raw ? fromRaw(raw) : null;
  }

  /** Newest first. */
  list(): RunRow[] {
    return (this.db.prepare('SELECT * FROM runs ORDER BY id DESC').all() as RawRun[]).map(fromRaw);
  }

  /** Oldest first: the queue order. */
  withStatus(statuses: readonly RunStatus[]): RunRow[] {
    return (this.db.prepare(`SELECT * FROM runs WHERE status IN (${statuses.map(() => '?').join(', ')}) ORDER BY id`).all(...statuses) as RawRun[]).map(fromRaw);
  }

  update(id: number, patch: RunPatch): void {
    const entries = Object.entries(patch) as [keyof RunPatch, unknown][];
    if (entries.length === 0) return;
    const values: Record<string, unknown> = { id };
    const sets = entries.map(([key, value]) => {
      values[key] = key === 'error' ? (value === null ? null : JSON.stringify(value)) : value;
      return `${COLUMNS[key]} = @${key}`;
    });
    this.db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = @id`).run(values);
  }

  /** Removes the run and (by cascade) its checkpoints, evaluations and scores. */
  delete(id: number): number {
    return this.db.prepare('DELETE FROM runs WHERE id = ?').run(id).changes;
  }

  checkpoints(runId?: number): CheckpointInfo[] {
    const rows = (
      runId === undefined
        ? this.db.prepare('SELECT * FROM checkpoints ORDER BY run_id DESC, step').all()
        : this.db.prepare('SELECT * FROM checkpoints WHERE run_id = ? ORDER BY step').all(runId)
    ) as { id: number; run_id: number; step: number; path: string; created_at: string; metrics_json: string | null; is_best: number }[];
    return rows.map((row) => ({
      id: row.id,
      runId: row.run_id,
      step: row.step,
      path: row.path,
      createdAt: row.created_at,
      isBest: row.is_best === 1,
      metrics: numericMetrics(row.metrics_json),
    }));
  }

  checkpointCount(runId: number): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM checkpoints WHERE run_id = ?').get(runId) as { n: number }).n;
  }

  /**
   * Mirrors the worker's checkpoints table: adds new folders, follows the best mark, and removes
   * the ones the worker rotated away (their folders are gone). Returns the rows added.
   */
  syncCheckpoints(runId: number, runDir: string, found: readonly WorkerCheckpoint[]): { added: CheckpointInfo[]; changed: boolean } {
    return this.db.transaction(() => {
      const known = new Map(this.checkpoints(runId).map((info) => [info.step, info]));
      // A step can appear twice after a resume (retired, then saved again): the live row wins.
      const live = new Map<number, WorkerCheckpoint>();
      for (const checkpoint of found) if (!checkpoint.deleted) live.set(checkpoint.step, checkpoint);
      const addedSteps: number[] = [];
      let changed = false;
      for (const [step, checkpoint] of live) {
        const existing = known.get(step);
        const file = checkpointPath(runDir, checkpoint.path);
        if (!existing) {
          this.db
            .prepare('INSERT INTO checkpoints (run_id, step, path, created_at, metrics_json, is_best) VALUES (?, ?, ?, ?, ?, ?)')
            .run(runId, step, file, new Date(checkpoint.created * 1000).toISOString(), checkpoint.metricsJson, checkpoint.isBest ? 1 : 0);
          addedSteps.push(step);
          changed = true;
        } else if (existing.isBest !== checkpoint.isBest || existing.path !== file) {
          this.db.prepare('UPDATE checkpoints SET is_best = ?, path = ? WHERE id = ?').run(checkpoint.isBest ? 1 : 0, file, existing.id);
          changed = true;
        }
      }
      for (const [step, info] of known) {
        if (!live.has(step)) {
          this.db.prepare('DELETE FROM checkpoints WHERE id = ?').run(info.id);
          changed = true;
        }
      }
      const added = addedSteps.length === 0 ? [] : this.checkpoints(runId).filter((info) => addedSteps.includes(info.step));
      return { added, changed };
    })();
  }
}

/** The worker records paths as it was given the run directory; make them absolute. */
function checkpointPath(runDir: string, recorded: string): string {
  return recorded.startsWith('/') || /^[A-Za-z]:[\\/]/.test(recorded) ? recorded : `${runDir}/${recorded}`;
}

function numericMetrics(json: string | null): Record<string, number> {
  if (!json) return {};
  try {
    const parsed = JSON.parse(json) as Record<string, unknown>;
    const out: Record<string, number> = {};
    for (const [key, value] of Object.entries(parsed)) if (typeof value === 'number' && Number.isFinite(value)) out[key] = value;
    return out;
  } catch {
    return {};
  }
}

function fromRaw(raw: RawRun): RunRow {
  return {
    id: raw.id,
    name: raw.name,
    dir: raw.dir,
    status: raw.status,
    pid: raw.pid,
    config: raw.config_json ? (JSON.parse(raw.config_json) as Record<string, unknown>) : {},
    createdAt: raw.created_at,
    startedAt: raw.started_at,
    finishedAt: raw.finished_at,
    error: parseError(raw.error),
    presetId: raw.preset_id,
    baseModel: raw.base_model,
    gpus: JSON.parse(raw.gpus_json) as number[],
    splits: JSON.parse(raw.splits_json) as { train: Split[]; val: Split[] },
    trainItems: raw.train_items,
    valItems: raw.val_items,
    step: raw.step,
    totalSteps: raw.total_steps,
    bestEvalAccuracy: raw.best_eval_accuracy,
    lastLoss: raw.last_loss,
  };
}

/** Migration 2 stored plain text; migration 6 stores {message, hint}. */
function parseError(text: string | null): RunRow['error'] {
  if (text === null) return null;
  try {
    const parsed = JSON.parse(text) as { message?: unknown; hint?: unknown };
    if (typeof parsed.message === 'string') return typeof parsed.hint === 'string' ? { message: parsed.message, hint: parsed.hint } : { message: parsed.message };
  } catch {
    // plain text
  }
  return { message: text };
}

export function toSummary(row: RunRow, live: { etaSeconds: number | null; checkpointCount: number }): RunSummary {
  return {
    id: row.id,
    name: row.name,
    dir: row.dir,
    status: row.status,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    step: row.step,
    totalSteps: row.totalSteps,
    etaSeconds: live.etaSeconds,
    bestEvalAccuracy: row.bestEvalAccuracy,
    lastLoss: row.lastLoss,
    baseModel: row.baseModel,
    presetId: row.presetId,
    gpus: row.gpus,
    pid: row.pid,
    error: row.error,
    checkpointCount: live.checkpointCount,
  };
}
