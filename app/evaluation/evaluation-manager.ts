/**
 * The evaluation manager of one open project: starts evaluations (or returns cached ones), runs
 * them one at a time — freeze the scope's items, score them with an engine, store the scores and
 * the metrics in one transaction — reports progress, cancels, deletes, and answers the compare
 * and item-score queries. See app/evaluation/README.md.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { StudioError, type Problem } from '../errors';
import { settleJob } from '../jobs/job-settlement';
import { isoNow, JobSupervisor, newJobState, type EventSink, type JobControl, type SupervisedJob } from '../jobs/job-supervisor';
import { OnnxRewardScorer } from '../onnx/onnx-reward-scorer';
import type { ProjectStore } from '../store/project-store';
import { throttleProgress } from '../studio/progress-throttle';
import { trainingPython } from '../environment/python-interpreter';
import { compareEvaluations, compareItemPage, type CompareItemsQuery } from './evaluation-compare';
import { DATA_FILE, evaluationDir, EVALUATIONS_DIR, freezeEvaluationData, RESULTS_FILE } from './evaluation-data';
import { itemScores } from './evaluation-item-scores';
import { ACTIVE_EVALUATION_STATUSES, EvaluationRecords, toEvaluationSummary, type EvaluationPatch, type EvaluationRow } from './evaluation-records';
import { measureEvaluation, storeResults } from './evaluation-scores';
import { OnnxScoring } from './onnx-scoring';
import { PythonScoring } from './python-scoring';
import { ScoringFailure, type RunningScoring, type ScoringEngineRunner } from './scoring-engine';
import type { CompareItemPage, EvaluationComparison, EvaluationScope, EvaluationSummary, ItemScores, ScoringEngine } from './types';

export interface StartEvaluationRequest {
  checkpointIds: number[];
  scope: EvaluationScope;
  engine: ScoringEngine;
  rerun: boolean;
}

export interface EvaluationManagerOptions {
  store: ProjectStore;
  events: EventSink;
  /** The interpreter for the Python engine, asked at each start (default: settings, else .venv). */
  python?: () => string;
  /** Engines by name; default: the Python worker and onnxruntime-node on the checkpoint's ONNX export. */
  engines?: Partial<Record<ScoringEngine, ScoringEngineRunner>>;
  /** Minimum time between two progress events of one evaluation. */
  progressMs?: number;
  /** SIGTERM → SIGKILL delay when cancelling a Python scoring. */
  cancelGraceMs?: number;
  /** Extra environment for the Python worker (tests). */
  workerEnv?: Record<string, string>;
}

/** The evaluation being scored: the supervisor's job state and its progress throttle. */
interface ScoringJob extends SupervisedJob {
  progress: { push(value: number): void; flush(): void };
}

const ENDED_WHILE_CLOSED = {
  message: 'the studio closed while this evaluation was running, so its scores were never stored',
  hint: 'Start the evaluation again.',
};

export class EvaluationManager {
  readonly records: EvaluationRecords;
  private readonly store: ProjectStore;
  private readonly events: EventSink;
  private readonly engines: Partial<Record<ScoringEngine, ScoringEngineRunner>>;
  private readonly progressMs: number;
  /** One evaluation at a time: the supervisor follows at most one job. */
  private readonly jobs = new JobSupervisor<ScoringJob>({ noun: 'evaluation', stopGraceMs: 0, pollMs: 0 });

  constructor(options: EvaluationManagerOptions) {
    this.store = options.store;
    this.events = options.events;
    this.records = new EvaluationRecords(options.store.db);
    this.progressMs = options.progressMs ?? 250;
    this.engines = {
      python: new PythonScoring({ python: options.python ?? trainingPython, env: options.workerEnv, cancelGraceMs: options.cancelGraceMs }),
      onnx: new OnnxScoring({ projectDir: options.store.dir, load: (dir, label) => OnnxRewardScorer.load(dir, { label }) }),
      ...options.engines,
    };
  }

  // ---- lifecycle ---------------------------------------------------------------------------------

  /**
   * A row still 'running' belongs to a studio that is gone (scoring workers die with it): it is
   * marked failed. Queued rows are started.
   */
  async resume(): Promise<void> {
    for (const row of this.records.withStatus(['running'])) {
      this.update(row.id, { status: 'failed', finishedAt: isoNow(), pid: null, error: ENDED_WHILE_CLOSED });
      this.emitChanged(row.id);
    }
    await this.removeOrphanFolders();
    await this.pump();
  }

  /** Stops the running scoring (its row is marked failed) and forgets the queue until the next open. */
  detach(): void {
    for (const job of this.jobs.close()) {
      job.control?.terminate();
      this.update(job.id, { status: 'failed', finishedAt: isoNow(), pid: null, error: ENDED_WHILE_CLOSED });
    }
  }

  // ---- commands ----------------------------------------------------------------------------------

  list(checkpointId?: number): EvaluationSummary[] {
    return this.records.list(checkpointId).map(toEvaluationSummary);
  }

  get(id: number): EvaluationSummary {
    return toEvaluationSummary(this.require(id));
  }

  /** One evaluation per checkpoint: the cached finished one (unless `rerun`), one in flight, or a new one queued. */
  async start(request: StartEvaluationRequest): Promise<EvaluationSummary[]> {
    this.assertOpen();
    if (!this.engines[request.engine]) {
      throw new StudioError(
        'invalid_input',
        `the ${request.engine} engine is not available in this studio`,
        request.engine === 'onnx' ? 'Export the checkpoint to ONNX first, or evaluate with the Python engine.' : 'Set up the training environment.',
      );
    }
    const missing = request.checkpointIds.filter((id) => this.records.checkpoint(id) === null);
    if (missing.length > 0) {
      throw new StudioError('not_found', `no checkpoint with id ${missing.join(', ')} in this project`, 'Refresh the checkpoint list; it may have been rotated away or its run deleted.');
    }
    const engine = this.engines[request.engine] as ScoringEngineRunner;
    for (const checkpointId of request.checkpointIds) {
      const problem = engine.unavailable?.(checkpointId) ?? null;
      if (problem) throw new StudioError('invalid_input', problem.message, problem.hint);
    }
    const ids: number[] = [];
    for (const checkpointId of new Set(request.checkpointIds)) {
      const inFlight = this.records.latest(checkpointId, request.scope, request.engine, ACTIVE_EVALUATION_STATUSES);
      const cached = request.rerun ? null : this.records.latest(checkpointId, request.scope, request.engine, ['finished']);
      const existing = inFlight ?? cached;
      if (existing) {
        ids.push(existing.id);
        continue;
      }
      const id = this.records.insert(checkpointId, request.scope, request.engine);
      ids.push(id);
      this.emitChanged(id);
    }
    void this.pump();
    return ids.map((id) => this.get(id));
  }

  async cancel(id: number): Promise<EvaluationSummary> {
    const row = this.require(id);
    if (row.status === 'queued') {
      this.update(id, { status: 'cancelled', finishedAt: isoNow() });
      this.emitChanged(id);
    } else if (row.status === 'running') {
      this.jobs.stop(id);
    }
    return this.get(id);
  }

  /** Cancels it if it runs (waiting for the worker to exit), then removes its folder and rows. */
  async delete(id: number): Promise<{ deleted: number }> {
    const row = this.require(id);
    await this.jobs.end(id);
    await rm(row.dir ?? evaluationDir(this.store.dir, id), { recursive: true, force: true });
    return { deleted: this.records.delete(id) };
  }

  compare(a: number, b: number): EvaluationComparison {
    return compareEvaluations(this.store.db, this.require(a), this.require(b));
  }

  compareItems(query: CompareItemsQuery): CompareItemPage {
    this.require(query.a);
    this.require(query.b);
    return compareItemPage(this.store.db, query);
  }

  itemScores(itemId: string, evaluationIds?: number[]): ItemScores[] {
    for (const id of evaluationIds ?? []) this.require(id);
    return itemScores(this.store.db, itemId, evaluationIds);
  }

  // ---- the queue -----------------------------------------------------------------------------------

  /** Runs queued evaluations one at a time, oldest first. */
  private pump(): Promise<void> {
    return this.jobs.serialize(async () => {
      for (let next = this.queued(); next && !this.jobs.closed; next = this.queued()) {
        try {
          await this.runOne(next);
        } catch (error) {
          // runOne records its own failures; this is a bug or the project closing under it.
          if (!this.jobs.closed) console.error(`reward-studio: evaluation ${next.id} ended unexpectedly:`, error);
        }
      }
    });
  }

  private queued(): EvaluationRow | undefined {
    return this.records.withStatus(['queued'])[0];
  }

  private async runOne(row: EvaluationRow): Promise<void> {
    const id = row.id;
    const dir = evaluationDir(this.store.dir, id);
    const job: ScoringJob = {
      ...newJobState(id),
      progress: throttleProgress((done: number) => {
        if (this.jobs.closed || !this.records.get(id)) return;
        this.update(id, { done });
        this.emitChanged(id);
      }, this.progressMs),
    };
    this.jobs.watch(job);
    const startedAt = Date.now();
    // Marked running before the first await, so a cancel in between finds it running, not queued.
    this.update(id, { status: 'running', dir, startedAt: isoNow(), done: 0, error: null });
    this.emitChanged(id);
    try {
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      const dataFile = path.join(dir, DATA_FILE);
      const resultsFile = path.join(dir, RESULTS_FILE);
      const frozen = await freezeEvaluationData(this.store, id, row.scope, dataFile);
      this.update(id, { total: frozen.items });
      this.emitChanged(id);
      if (!existsSync(row.checkpointPath)) {
        throw new ScoringFailure(
          `the checkpoint folder ${row.checkpointPath} (run "${row.runName}", step ${row.step}) is gone`,
          'Choose another checkpoint; this one was deleted or moved.',
        );
      }
      if (job.stopRequested) throw new ScoringFailure('cancelled', undefined, true);
      const engine = this.engines[row.engine] as ScoringEngineRunner;
      const scoring = await engine.start(
        { evaluationId: id, dir, dataFile, resultsFile, checkpointId: row.checkpointId, checkpointPath: row.checkpointPath, runConfig: row.runConfig, total: frozen.items },
        (done) => job.progress.push(done),
      );
      job.control = scoringControl(scoring);
      if (scoring.pid !== null) this.update(id, { pid: scoring.pid });
      if (job.stopRequested) scoring.cancel();
      const report = await scoring.finished;
      job.progress.flush();
      const text = await readFile(resultsFile, 'utf8');
      if (this.jobs.closed || !this.records.get(id)) return;
      const seconds = Math.round((Date.now() - startedAt) / 10) / 100;
      this.store.db.transaction(() => {
        const stored = storeResults(this.store.db, id, text, resultsFile);
        const metrics = measureEvaluation(this.store.db, id, { ...report, seconds });
        this.settle(id, { phase: 'finished', problem: null }, { done: stored.scoredItems, metrics });
      })();
    } catch (error) {
      if (this.jobs.closed || !this.records.get(id)) return;
      job.progress.flush();
      this.records.clearScores(id);
      const cancelled = error instanceof ScoringFailure && error.cancelled;
      this.settle(id, { phase: cancelled ? 'stopped' : 'failed', problem: cancelled ? null : describeFailure(error) });
    } finally {
      this.jobs.settle(job);
    }
  }

  /** Records how the scoring ended, in the words of settleJob (a stopped job is a cancelled evaluation). */
  private settle(id: number, end: { phase: 'finished' | 'stopped' | 'failed'; problem: Problem | null }, patch: EvaluationPatch = {}): void {
    const { status, error } = settleJob(
      { phase: end.phase, phaseMessage: null, lastError: end.problem, stopRequested: false, killedAfterGrace: false, exit: null },
      { graceMs: 0, reportedFailureHint: 'Start the evaluation again.', silentFailureHint: 'Start the evaluation again.' },
    );
    this.update(id, { ...patch, status: status === 'stopped' ? 'cancelled' : status, finishedAt: isoNow(), pid: null, error });
    this.emitChanged(id);
  }

  // ---- helpers -------------------------------------------------------------------------------------

  /**
   * Folders of evaluations whose rows are gone: deleting a run (or a rotated checkpoint) removes
   * its evaluations by cascade in SQL, not their folders. A row is always inserted before its
   * folder is made, so a folder without a row is never one being written.
   */
  private async removeOrphanFolders(): Promise<void> {
    const root = path.join(this.store.dir, EVALUATIONS_DIR);
    if (!existsSync(root)) return;
    for (const entry of await readdir(root, { withFileTypes: true })) {
      if (this.jobs.closed) return;
      if (entry.isDirectory() && /^\d+$/.test(entry.name) && !this.records.get(Number(entry.name))) {
        await rm(path.join(root, entry.name), { recursive: true, force: true });
      }
    }
  }

  private require(id: number): EvaluationRow {
    const row = this.records.get(id);
    if (!row) throw new StudioError('not_found', `no evaluation with id ${id} in this project`, 'Refresh the list of evaluations.');
    return row;
  }

  private update(id: number, patch: EvaluationPatch): void {
    this.records.update(id, patch);
  }

  private emitChanged(id: number): void {
    const row = this.records.get(id);
    if (row) this.events.emit('evaluations.onChanged', toEvaluationSummary(row));
  }

  private assertOpen(): void {
    if (this.jobs.closed) throw new StudioError('no_project', 'This project was closed.', 'Open it again to evaluate.');
  }
}

function describeFailure(error: unknown): Problem {
  if (error instanceof ScoringFailure) return error.hint ? { message: error.message, hint: error.hint } : { message: error.message };
  if (error instanceof StudioError) return error.hint ? { message: error.message, hint: error.hint } : { message: error.message };
  return { message: error instanceof Error ? error.message : String(error), hint: 'Start the evaluation again; if it fails again, see console.log in the evaluation folder.' };
}

/** Cancelling a scoring is its engine's business (the Python engine escalates to SIGKILL itself). */
function scoringControl(scoring: RunningScoring): JobControl {
  return { terminate: () => scoring.cancel() };
}
