/**
 * The evaluations table of project.sqlite (migrations 2 and 7): one row per scoring of a scope
 * with a checkpoint, its lifecycle, progress and metrics. Joined with checkpoints and runs (through
 * training's joinCheckpointAndRun) for the names a person reads.
 */
import type { Problem } from '../errors';
import type Database from 'better-sqlite3';
import type { EvaluationMetrics, EvaluationScope, EvaluationStatus, EvaluationSummary, ScoringEngine } from './types';
import { StatementCache } from '../store/statement-cache';
import { joinCheckpointAndRun, RunRecords } from '../runs/run-records';

/** The status of an evaluation whose scores are all stored (the only one with scores to read). */
export const SCORED_EVALUATION_STATUS: EvaluationStatus = 'finished';

export const ACTIVE_EVALUATION_STATUSES: readonly EvaluationStatus[] = ['queued', 'running'];

export interface EvaluationRow extends EvaluationSummary {
  dir: string | null;
  pid: number | null;
  startedAt: string | null;
  checkpointPath: string;
  runDir: string;
  runConfig: Record<string, unknown>;
}

export type EvaluationPatch = Partial<{
  status: EvaluationStatus;
  dir: string | null;
  pid: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  error: Problem | null;
  done: number;
  total: number;
  metrics: EvaluationMetrics | null;
}>;

interface RawEvaluation {
  id: number;
  checkpoint_id: number;
  split: EvaluationScope;
  created_at: string;
  metrics_json: string | null;
  status: EvaluationStatus;
  engine: ScoringEngine;
  dir: string | null;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  done: number;
  total: number;
  pid: number | null;
  run_id: number;
  run_name: string;
  run_dir: string;
  config_json: string | null;
  step: number;
  checkpoint_path: string;
}

const COLUMNS: Record<keyof EvaluationPatch, string> = {
  status: 'status',
  dir: 'dir',
  pid: 'pid',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  error: 'error',
  done: 'done',
  total: 'total',
  metrics: 'metrics_json',
};

const SELECT = `SELECT e.*, c.run_id, c.step, c.path AS checkpoint_path, r.name AS run_name, r.dir AS run_dir, r.config_json
  FROM evaluations e ${joinCheckpointAndRun('e.checkpoint_id')}`;

export class EvaluationRecords {
  private readonly statements: StatementCache;

  private readonly runs: RunRecords;

  constructor(private readonly db: Database.Database) {
    this.statements = new StatementCache(db);
    this.runs = new RunRecords(db);
  }

  insert(checkpointId: number, scope: EvaluationScope, engine: ScoringEngine): number {
    const result = this.statements.get(
      `INSERT INTO evaluations (checkpoint_id, split, engine, status, created_at) VALUES (?, ?, ?, 'queued', ?)`,
    ).run(checkpointId, scope, engine, new Date().toISOString());
    return Number(result.lastInsertRowid);
  }

  get(id: number): EvaluationRow | null {
    const raw = this.statements.get(`${SELECT} WHERE e.id = ?`).get(id) as RawEvaluation | undefined;
    return raw ? fromRaw(raw) : null;
  }

  /** Newest first. */
  list(checkpointId?: number): EvaluationRow[] {
    const rows = checkpointId === undefined
      ? this.statements.get(`${SELECT} ORDER BY e.id DESC`).all()
      : this.statements.get(`${SELECT} WHERE e.checkpoint_id = ? ORDER BY e.id DESC`).all(checkpointId);
    return (rows as RawEvaluation[]).map(fromRaw);
  }

  /** Oldest first: the queue order. */
  withStatus(statuses: readonly EvaluationStatus[]): EvaluationRow[] {
    const rows = this.statements.get(`${SELECT} WHERE e.status IN (${statuses.map(() => '?').join(', ')}) ORDER BY e.id`).all(...statuses);
    return (rows as RawEvaluation[]).map(fromRaw);
  }

  /** The newest evaluation of this checkpoint, scope and engine in one of `statuses`. */
  latest(checkpointId: number, scope: EvaluationScope, engine: ScoringEngine, statuses: readonly EvaluationStatus[]): EvaluationRow | null {
    const raw = this.statements.get(
      `${SELECT} WHERE e.checkpoint_id = ? AND e.split = ? AND e.engine = ? AND e.status IN (${statuses.map(() => '?').join(', ')})
       ORDER BY e.id DESC LIMIT 1`,
    ).get(checkpointId, scope, engine, ...statuses) as RawEvaluation | undefined;
    return raw ? fromRaw(raw) : null;
  }

  update(id: number, patch: EvaluationPatch): void {
    const entries = Object.entries(patch) as [keyof EvaluationPatch, unknown][];
    if (entries.length === 0) return;
    const values: Record<string, unknown> = { id };
    const sets = entries.map(([key, value]) => {
      values[key] = (key === 'error' || key === 'metrics') && value !== null ? JSON.stringify(value) : value;
      return `${COLUMNS[key]} = @${key}`;
    });
    this.db.prepare(`UPDATE evaluations SET ${sets.join(', ')} WHERE id = @id`).run(values);
  }

  /** Removes the row and (by cascade) its scores and per-item rows. */
  delete(id: number): number {
    return this.statements.get('DELETE FROM evaluations WHERE id = ?').run(id).changes;
  }

  checkpoint(id: number): { id: number; path: string; runId: number; runConfig: Record<string, unknown> } | null {
    const row = this.runs.checkpointWithRun(id);
    return row ? { id: row.id, path: row.path, runId: row.runId, runConfig: parseObject(row.configJson) } : null;
  }

  /**
   * Freezes items into the evaluation: one evaluation_items row per item with the human ranking as
   * it is now (null: nobody judged it), in one transaction.
   */
  freezeItems(evaluationId: number, items: readonly { rowid: number; ranking: readonly number[] | null }[]): void {
    const insert = this.statements.get('INSERT INTO evaluation_items (evaluation_id, item_rowid, ranking_json) VALUES (?, ?, ?)');
    this.db.transaction(() => {
      for (const item of items) insert.run(evaluationId, item.rowid, item.ranking === null ? null : JSON.stringify(item.ranking));
    })();
  }

  /**
   * Removes the evaluation's per-item rows (and with them what it scored), keeping the evaluation:
   * what a failed or cancelled evaluation, or a freeze that failed, leaves behind.
   */
  clearScores(evaluationId: number): void {
    this.statements.get('DELETE FROM evaluation_items WHERE evaluation_id = ?').run(evaluationId);
  }

}

export function toEvaluationSummary(row: EvaluationRow): EvaluationSummary {
  return {
    id: row.id,
    checkpointId: row.checkpointId,
    runId: row.runId,
    runName: row.runName,
    step: row.step,
    scope: row.scope,
    engine: row.engine,
    status: row.status,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
    progress: row.progress,
    metrics: row.metrics,
    error: row.error,
  };
}

function fromRaw(raw: RawEvaluation): EvaluationRow {
  return {
    id: raw.id,
    checkpointId: raw.checkpoint_id,
    runId: raw.run_id,
    runName: raw.run_name,
    step: raw.step,
    scope: raw.split,
    engine: raw.engine,
    status: raw.status,
    createdAt: raw.created_at,
    finishedAt: raw.finished_at,
    progress: { done: raw.done, total: raw.total },
    metrics: raw.metrics_json ? (JSON.parse(raw.metrics_json) as EvaluationMetrics) : null,
    error: raw.error ? (JSON.parse(raw.error) as Problem) : null,
    dir: raw.dir,
    pid: raw.pid,
    startedAt: raw.started_at,
    checkpointPath: raw.checkpoint_path,
    runDir: raw.run_dir,
    runConfig: parseObject(raw.config_json),
  };
}

function parseObject(json: string | null): Record<string, unknown> {
  if (!json) return {};
  try {
    const parsed = JSON.parse(json) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
