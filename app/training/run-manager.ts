/**
 * The run manager of one open project: starts (or queues) training runs, follows each running
 * worker's metrics.sqlite and console output, indexes checkpoints into project.sqlite, stops and
 * deletes runs, and — when the studio starts again — reattaches to workers that kept training.
 *
 * Workers are never children in the "dies with us" sense: they run detached, write their own
 * record (metrics.sqlite) and outlive the studio. Closing a project or the studio only stops the
 * following (`detach`), never the training.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../errors';
import type { EventName, EventPayload } from '../contract';
import { RUNS_DIR } from '../store/project-layout';
import type { ProjectStore } from '../store/project-store';
import type { Split } from '../store/types';
import { throttleProgress } from '../studio/progress-throttle';
import { LogTail, lastLines } from './log-tail';
import { MetricsReader, TERMINAL_PHASES, type WorkerCheckpoint, type WorkerEvent, type WorkerStatus } from './metrics-reader';
import { MetricsTail } from './metrics-tail';
import { checkModelFolder } from './model-check';
import { trainingPython } from './python-interpreter';
import { CONSOLE_LOG, createRunDirectory, METRICS_FILE, WORKER_LOG, writeRunConfig, writeSnapshot } from './run-directory';
import { estimateRun, planSteps } from './run-estimate';
import { runsToStart } from './run-queue';
import { ACTIVE_STATUSES, RunRecords, toSummary, type RunPatch, type RunRow } from './run-records';
import { ensureTinyModel, TINY_MODEL_ALIAS } from './tiny-model';
import { describeConfig, STUDIO_OWNED_FIELDS, validateConfig } from './worker-config-schema';
import { isProcessAlive, launchWorker, signalWorker } from './worker-process';
import type { CheckpointInfo, MetricsBatch, RunDetail, RunEstimate, RunStatus, RunSummary } from './types';

export interface EventSink {
  emit<K extends EventName>(name: K, payload: EventPayload<K>): void;
}

export interface StartRunRequest {
  name: string;
  presetId?: string;
  config: Record<string, unknown>;
  splits: { train: Split[]; val: Split[] };
  gpus: number[];
}

export interface RunManagerOptions {
  store: ProjectStore;
  events: EventSink;
  /** The interpreter for new runs, asked at each start (settings can change). */
  python?: () => string;
  /** Where "@tiny" lives (default: the settings folder's models/tiny-qwen2-vl). */
  tinyModelDir?: string;
  /** SIGTERM → SIGKILL delay when stopping. */
  stopGraceMs?: number;
  /** How often running runs' files are read. */
  pollMs?: number;
  /** Minimum time between two metric (and log) batches of one run. */
  batchMs?: number;
  /** Minimum time between two progress updates (runs.onChanged) of one run. */
  progressMs?: number;
  /** A heartbeat older than this means the worker is gone (reattach). */
  heartbeatStaleMs?: number;
  /** Extra environment for every worker (tests: REWARD_STUDIO_STEP_DELAY). */
  workerEnv?: Record<string, string>;
}

interface LiveRun {
  id: number;
  dir: string;
  pid: number;
  /** Null when reattached: the worker is not our child, its end is seen by pid and status. */
  child: ChildProcess | null;
  tail: MetricsTail;
  log: LogTail;
  pendingLog: string[];
  lastLogEmit: number;
  status: WorkerStatus | null;
  lastError: { message: string; hint?: string } | null;
  stopRequested: boolean;
  killedAfterGrace: boolean;
  deleting: boolean;
  killTimer: NodeJS.Timeout | null;
  lastLivenessCheck: number;
  terminalSeenAt: number | null;
  rate: { firstStep: number; firstTime: number; lastStep: number; lastTime: number } | null;
  figures: { step: number; totalSteps: number | null; lastLoss: number | null; bestEvalAccuracy: number | null };
  progress: { push(id: number): void; flush(): void };
  finalizing: boolean;
}

const SETUP_HINT = 'Check the training environment (Environment → Set up training environment, or npm run setup:worker).';

export class RunManager {
  readonly records: RunRecords;
  private readonly store: ProjectStore;
  private readonly events: EventSink;
  private readonly python: () => string;
  private readonly options: Required<Pick<RunManagerOptions, 'stopGraceMs' | 'pollMs' | 'batchMs' | 'progressMs' | 'heartbeatStaleMs'>>;
  private readonly live = new Map<number, LiveRun>();
  /** Secret options (W&B key) of queued runs: memory only, never on disk. */
  private readonly secrets = new Map<number, Record<string, string>>();
  private timer: NodeJS.Timeout | null = null;
  private pumping: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly init: RunManagerOptions) {
    this.store = init.store;
    this.events = init.events;
    this.records = new RunRecords(init.store.db);
    this.python = init.python ?? trainingPython;
    this.options = {
      stopGraceMs: init.stopGraceMs ?? 30_000,
      pollMs: init.pollMs ?? 100,
      batchMs: init.batchMs ?? 250,
      progressMs: init.progressMs ?? 1000,
      heartbeatStaleMs: init.heartbeatStaleMs ?? 30_000,
    };
  }

  // ---- lifecycle ---------------------------------------------------------------------------------

  /**
   * Reattaches to runs recorded as starting/running: a live worker with a fresh heartbeat keeps
   * streaming; otherwise the run is marked failed with its last error event (its metrics stay).
   * Then starts whatever is queued and can run.
   */
  async resume(): Promise<void> {
    for (const row of this.records.withStatus(ACTIVE_STATUSES)) this.reattach(row);
    await this.pump();
  }

  /** Stops following (timers, open files); the workers keep training. */
  detach(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const live of this.live.values()) {
      if (live.killTimer) clearTimeout(live.killTimer);
      live.tail.close();
    }
    this.live.clear();
  }

  // ---- commands ----------------------------------------------------------------------------------

  list(): RunSummary[] {
    return this.records.list().map((row) => this.summaryOf(row));
  }

  get(id: number): RunDetail {
    const row = this.require(id);
    let report: Record<string, unknown> | null = null;
    const reader = MetricsReader.tryOpen(path.join(row.dir, METRICS_FILE));
    if (reader) {
      try {
        const event = reader.lastEvent('data_report');
        report = event ? (JSON.parse(event.json) as Record<string, unknown>) : null;
      } finally {
        reader.close();
      }
    }
    return {
      ...this.summaryOf(row),
      config: row.config,
      splits: row.splits,
      checkpoints: this.records.checkpoints(id),
      data: { trainItems: row.trainItems, valItems: row.valItems, report },
    };
  }

  summary(id: number): RunSummary {
    return this.summaryOf(this.require(id));
  }

  checkpoints(runId?: number): CheckpointInfo[] {
    if (runId !== undefined) this.require(runId);
    return this.records.checkpoints(runId);
  }

  async estimate(request: Pick<StartRunRequest, 'config' | 'splits' | 'gpus'>): Promise<RunEstimate> {
    let config = request.config;
    try {
      const fields = await describeConfig(this.python());
      config = { ...Object.fromEntries(fields.map((field) => [field.name, field.default])), ...request.config };
    } catch {
      // No environment yet: the worker's defaults are mirrored in planSteps.
    }
    return estimateRun(this.store, request.splits, config, request.gpus);
  }

  /** Freezes the data, writes config.json, records the run and starts (or queues) its worker. */
  async start(request: StartRunRequest): Promise<RunSummary> {
    this.assertOpen();
    const python = this.python();
    const fields = await describeConfig(python);
    const form: Record<string, unknown> = {};
    // The studio decides where the data is and what the run is called.
    for (const [key, value] of Object.entries(request.config)) if (!STUDIO_OWNED_FIELDS.has(key)) form[key] = value;
    const { config, secrets } = validateConfig(fields, form);
    config.base_model_name = await this.resolveBaseModel(python, config.base_model_name);

    const dir = await createRunDirectory(this.store.dir, request.name);
    let id: number;
    try {
      const snapshot = await writeSnapshot(this.store, dir, request.splits);
      config.train_data_path = snapshot.trainFile;
      config.val_data_path = snapshot.valFile ?? '';
      config.experiment_name = request.name;
      await writeRunConfig(dir, config);
      const plan = planSteps(snapshot.train.items, config, Math.max(request.gpus.length, 1));
      id = this.records.insert({
        name: request.name,
        dir,
        status: 'queued',
        config,
        presetId: request.presetId ?? null,
        baseModel: String(config.base_model_name),
        gpus: [...new Set(request.gpus)].sort((a, b) => a - b),
        splits: request.splits,
        trainItems: snapshot.train.items,
        valItems: snapshot.val.items,
        totalSteps: plan.totalSteps,
      });
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    if (Object.keys(secrets).length > 0) this.secrets.set(id, secrets);
    this.emitChanged(id);
    await this.pump();
    return this.summary(id);
  }

  /** Queued: taken off the queue. Running: SIGTERM (checkpoint, then exit), SIGKILL after the grace period. */
  async stop(id: number): Promise<RunSummary> {
    const row = this.require(id);
    if (row.status === 'queued') {
      this.update(id, { status: 'stopped', finishedAt: now() });
      this.secrets.delete(id);
      this.emitChanged(id);
      await this.pump();
      return this.summary(id);
    }
    const live = this.live.get(id);
    if (live && !live.stopRequested) {
      live.stopRequested = true;
      signalWorker(live.pid, 'SIGTERM');
      live.killTimer = setTimeout(() => {
        live.killTimer = null;
        if (!this.live.has(id)) return;
        live.killedAfterGrace = true;
        signalWorker(live.pid, 'SIGKILL');
      }, this.options.stopGraceMs);
      live.killTimer.unref();
    }
    return this.summary(id);
  }

  /** Stops the worker at once if it runs (no checkpoint: everything is deleted), then removes files and rows. */
  async delete(id: number): Promise<{ deleted: number }> {
    const row = this.require(id);
    const live = this.live.get(id);
    if (live) {
      live.deleting = true;
      live.stopRequested = true;
      signalWorker(live.pid, 'SIGKILL');
      const deadline = Date.now() + 15_000;
      while (this.live.has(id) && Date.now() < deadline) await delay(50);
      if (this.live.has(id)) {
        throw new StudioError('busy', `run "${row.name}" (pid ${live.pid}) did not exit after SIGKILL`, 'Try again in a moment; nothing was deleted.');
      }
    }
    this.secrets.delete(id);
    await this.removeRunFolder(row.dir);
    const deleted = this.records.delete(id);
    await this.pump();
    return { deleted };
  }

  /** Every scalar row after `afterId` of each run, straight from its metrics.sqlite. */
  metrics(ids: number[], afterId: number, tags?: string[]): MetricsBatch[] {
    return ids.map((id) => {
      const row = this.require(id);
      const reader = MetricsReader.tryOpen(path.join(row.dir, METRICS_FILE));
      if (!reader) return { runId: id, rows: [], lastId: afterId };
      try {
        const { rows, lastId } = reader.allScalarsAfter(afterId, tags);
        return { runId: id, rows, lastId };
      } finally {
        reader.close();
      }
    });
  }

  /** The last lines of the worker's console output (worker.log for runs started from a shell). */
  log(id: number, count: number): { lines: string[] } {
    const row = this.require(id);
    const consoleLog = path.join(row.dir, CONSOLE_LOG);
    return { lines: lastLines(existsSync(consoleLog) ? consoleLog : path.join(row.dir, WORKER_LOG), count) };
  }

  // ---- queue and launch --------------------------------------------------------------------------

  /** Starts queued runs whose devices are free. Serialized: two pumps must not start one run twice. */
  private pump(): Promise<void> {
    this.pumping = this.pumping.then(async () => {
      if (this.closed) return;
      const active = this.records.withStatus(ACTIVE_STATUSES);
      const queued = this.records.withStatus(['queued']);
      for (const id of runsToStart(active, queued)) {
        const row = this.records.get(id);
        if (row && row.status === 'queued' && !this.closed) await this.launch(row);
      }
    });
    return this.pumping;
  }

  private async launch(row: RunRow): Promise<void> {
    const python = this.python();
    this.update(row.id, { status: 'starting', startedAt: now(), error: null });
    const secrets = this.secrets.get(row.id) ?? {};
    this.secrets.delete(row.id);
    const env: Record<string, string> = { ...this.init.workerEnv };
    if (secrets.wandb_api_key) env.WANDB_API_KEY = secrets.wandb_api_key;
    try {
      const worker = await launchWorker({ python, runDir: row.dir, gpus: row.gpus, env });
      this.update(row.id, { pid: worker.pid });
      const live = this.follow(this.records.get(row.id) as RunRow, worker.pid, worker.child, true);
      worker.child.once('exit', (code, signal) => {
        if (!this.closed && this.live.get(row.id) === live) this.finalize(live, { code, signal });
      });
    } catch (error) {
      this.update(row.id, {
        status: 'failed',
        finishedAt: now(),
        error: { message: `could not start the worker with ${python}: ${(error as Error).message}`, hint: SETUP_HINT },
      });
    }
    this.emitChanged(row.id, true);
  }

  private reattach(row: RunRow): void {
    const metricsFile = path.join(row.dir, METRICS_FILE);
    const reader = MetricsReader.tryOpen(metricsFile);
    let status: WorkerStatus | null = null;
    let lastError: RunRow['error'] = null;
    try {
      if (reader) {
        status = reader.status();
        const event = reader.lastEvent('error');
        lastError = event ? errorFromEvent(event) : null;
        this.syncCheckpoints(row, reader.checkpoints());
        const figures = reader.summaryFigures();
        this.update(row.id, { ...figures, step: status?.step ?? row.step, totalSteps: status?.totalSteps ?? row.totalSteps });
      }
    } finally {
      reader?.close();
    }
    const alive = isProcessAlive(row.pid) || isProcessAlive(status?.pid);
    const heartbeatAge = status ? Date.now() - status.heartbeat * 1000 : Number.POSITIVE_INFINITY;
    // Before its first heartbeat a worker is still importing torch: give it the same allowance.
    const justStarted = !status && row.startedAt !== null && Date.now() - Date.parse(row.startedAt) < this.options.heartbeatStaleMs;
    if (status && TERMINAL_PHASES.has(status.phase)) {
      this.update(row.id, { status: status.phase as RunStatus, finishedAt: now(), pid: null, error: status.phase === 'failed' ? (lastError ?? { message: status.message ?? 'the worker failed' }) : null });
    } else if (alive && (heartbeatAge < this.options.heartbeatStaleMs || justStarted) && row.pid !== null) {
      this.follow(row, row.pid, null, false);
    } else {
      this.update(row.id, {
        status: 'failed',
        finishedAt: now(),
        pid: null,
        error: lastError ?? { message: 'the worker stopped without saying why', hint: `See ${path.join(row.dir, CONSOLE_LOG)} and ${WORKER_LOG} in the run folder.` },
      });
    }
    this.emitChanged(row.id, true);
  }

  private follow(row: RunRow, pid: number, child: ChildProcess | null, fromStart: boolean): LiveRun {
    const id = row.id;
    const tail = new MetricsTail(id, path.join(row.dir, METRICS_FILE), {
      onRows: (batch) => this.onRows(live, batch),
      onStatus: (status) => this.onStatus(live, status),
      onEvents: (events) => this.onEvents(live, events),
      onCheckpoints: (found) => this.onCheckpoints(live, found),
    }, { batchMs: this.options.batchMs, afterId: fromStart ? 0 : null, afterEventId: 0 });
    const live: LiveRun = {
      id,
      dir: row.dir,
      pid,
      child,
      tail,
      log: new LogTail(path.join(row.dir, CONSOLE_LOG), !fromStart),
      pendingLog: [],
      lastLogEmit: 0,
      status: null,
      lastError: null,
      stopRequested: false,
      killedAfterGrace: false,
      deleting: false,
      killTimer: null,
      lastLivenessCheck: Date.now(),
      terminalSeenAt: null,
      rate: null,
      figures: { step: row.step, totalSteps: row.totalSteps, lastLoss: row.lastLoss, bestEvalAccuracy: row.bestEvalAccuracy },
      progress: throttleProgress((runId: number) => this.persistProgress(runId), this.options.progressMs),
      finalizing: false,
    };
    this.live.set(id, live);
    this.ensureTimer();
    return live;
  }

  // ---- following ---------------------------------------------------------------------------------

  private ensureTimer(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => this.tick(), this.options.pollMs);
    this.timer.unref();
  }

  private tick(): void {
    const at = Date.now();
    for (const live of [...this.live.values()]) {
      try {
        live.tail.poll(at);
        const lines = live.log.read();
        if (lines.length > 0) live.pendingLog.push(...lines);
        if (live.pendingLog.length > 0 && at - live.lastLogEmit >= this.options.batchMs) this.emitLog(live, at);
        if (live.child === null) this.checkDetachedWorker(live, at);
      } catch (error) {
        console.error(`reward-studio: following run ${live.id} failed:`, error);
      }
    }
    if (this.live.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** A reattached worker is not our child: its end shows as a dead pid (or a final phase). */
  private checkDetachedWorker(live: LiveRun, at: number): void {
    if (at - live.lastLivenessCheck < 1000) return;
    live.lastLivenessCheck = at;
    const alive = isProcessAlive(live.pid) || isProcessAlive(live.status?.pid);
    // A final phase with the pid still around for 10 s is a recycled pid, not our worker.
    const terminalTooLong = live.terminalSeenAt !== null && at - live.terminalSeenAt > 10_000;
    if (!alive || terminalTooLong) this.finalize(live, null);
  }

  private onRows(live: LiveRun, batch: MetricsBatch): void {
    for (const row of batch.rows) {
      if (row.tag === 'loss') {
        live.figures.lastLoss = row.value;
        if (!live.rate) live.rate = { firstStep: row.step, firstTime: row.wallTime, lastStep: row.step, lastTime: row.wallTime };
        else {
          live.rate.lastStep = row.step;
          live.rate.lastTime = row.wallTime;
        }
      } else if (row.tag === 'eval_accuracy') {
        live.figures.bestEvalAccuracy = Math.max(live.figures.bestEvalAccuracy ?? Number.NEGATIVE_INFINITY, row.value);
      }
    }
    this.events.emit('runs.onMetrics', batch);
    live.progress.push(live.id);
  }

  private onStatus(live: LiveRun, status: WorkerStatus): void {
    const before = live.status;
    live.status = status;
    live.figures.step = status.step;
    if (status.totalSteps !== null) live.figures.totalSteps = status.totalSteps;
    if (TERMINAL_PHASES.has(status.phase)) {
      live.terminalSeenAt ??= Date.now();
      return; // the process's exit (or its pid vanishing) finalizes the run
    }
    const runStatus: RunStatus = status.phase === 'starting' || status.phase === 'loading' ? 'starting' : 'running';
    const row = this.records.get(live.id);
    if (row && row.status !== runStatus && (row.status === 'starting' || row.status === 'running')) {
      this.update(live.id, { status: runStatus });
      this.emitChanged(live.id, true);
    } else if (before?.step !== status.step || before?.phase !== status.phase) {
      live.progress.push(live.id);
    }
  }

  private onEvents(live: LiveRun, events: WorkerEvent[]): void {
    for (const event of events) if (event.kind === 'error') live.lastError = errorFromEvent(event);
  }

  private onCheckpoints(live: LiveRun, found: WorkerCheckpoint[]): void {
    const row = this.records.get(live.id);
    if (row && this.syncCheckpoints(row, found)) live.progress.push(live.id);
  }

  private syncCheckpoints(row: RunRow, found: readonly WorkerCheckpoint[]): boolean {
    const { added, changed } = this.records.syncCheckpoints(row.id, row.dir, found);
    for (const checkpoint of added) this.events.emit('checkpoints.onAdded', checkpoint);
    return changed;
  }

  private emitLog(live: LiveRun, at: number): void {
    const lines = live.pendingLog;
    live.pendingLog = [];
    live.lastLogEmit = at;
    this.events.emit('runs.onLog', { runId: live.id, lines });
  }

  private persistProgress(id: number): void {
    const live = this.live.get(id);
    if (this.closed || !live) return;
    this.update(id, { ...live.figures });
    const row = this.records.get(id);
    if (row) this.events.emit('runs.onChanged', this.summaryOf(row));
  }

  /** The worker is gone: read its last words, settle the run's status, start what waits. */
  private finalize(live: LiveRun, exit: { code: number | null; signal: NodeJS.Signals | null } | null): void {
    if (live.finalizing) return;
    live.finalizing = true;
    if (live.killTimer) clearTimeout(live.killTimer);
    try {
      live.tail.poll(Number.POSITIVE_INFINITY);
      live.tail.flush();
    } catch (error) {
      console.error(`reward-studio: reading the end of run ${live.id} failed:`, error);
    }
    const lines = live.log.drain();
    if (lines.length > 0) live.pendingLog.push(...lines);
    if (live.pendingLog.length > 0) this.emitLog(live, Date.now());
    live.tail.close();
    this.live.delete(live.id);

    const phase = live.status?.phase ?? null;
    let status: RunStatus;
    let error: RunRow['error'] = null;
    if (phase === 'finished') status = 'finished';
    else if (phase === 'stopped') status = 'stopped';
    else if (phase === 'failed') {
      status = 'failed';
      error = live.lastError ?? { message: live.status?.message ?? 'the worker failed', hint: `See ${path.join(live.dir, WORKER_LOG)}.` };
    } else if (live.stopRequested) {
      status = 'stopped';
      if (live.killedAfterGrace) {
        error = { message: `the worker did not stop within ${Math.round(this.options.stopGraceMs / 1000)} s of SIGTERM and was killed`, hint: 'Checkpoints saved before the stop are kept.' };
      }
    } else if (exit && exit.code === 0) {
      status = 'finished';
    } else {
      status = 'failed';
      const how = exit?.signal ? `was killed (${exit.signal})` : exit?.code != null ? `exited with code ${exit.code}` : 'stopped';
      error = live.lastError ?? {
        message: `the worker ${how} without saying why`,
        hint: `See ${path.join(live.dir, CONSOLE_LOG)} and ${WORKER_LOG} in the run folder; the metrics so far are kept.`,
      };
    }
    if (this.closed || live.deleting) return;
    this.update(live.id, { status, error, finishedAt: now(), pid: null, ...live.figures });
    this.emitChanged(live.id, true);
    void this.pump();
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private async resolveBaseModel(python: string, value: unknown): Promise<string> {
    const name = typeof value === 'string' ? value.trim() : '';
    if (name === TINY_MODEL_ALIAS) return (await ensureTinyModel(python, this.init.tinyModelDir)).path;
    if (name === '') {
      throw new StudioError('invalid_input', 'no base model is chosen (base_model_name is empty)', 'Pick a local Hugging Face model folder, or use the tiny test model.');
    }
    const check = checkModelFolder(name);
    if (!check.ok) throw new StudioError('invalid_input', `the base model at ${check.path} cannot be used: ${check.problems.join(' ')}`, 'Pick another model folder.');
    return check.path;
  }

  private async removeRunFolder(dir: string): Promise<void> {
    // Only ever a folder under <project>/runs/: a damaged row must not delete anything else.
    const runsDir = path.join(this.store.dir, RUNS_DIR) + path.sep;
    const resolved = path.resolve(dir);
    if (!resolved.startsWith(runsDir)) {
      throw new StudioError('forbidden', `the run folder ${resolved} is outside ${runsDir}`, 'Delete that folder by hand if you want it gone; the run was not deleted.');
    }
    await rm(resolved, { recursive: true, force: true });
  }

  private summaryOf(row: RunRow): RunSummary {
    const live = this.live.get(row.id);
    const merged = live ? { ...row, ...live.figures } : row;
    return toSummary(merged, { etaSeconds: live ? eta(live) : null, checkpointCount: this.records.checkpointCount(row.id) });
  }

  /** Status changes go out at once; progress of a followed run at most once per `progressMs`. */
  private emitChanged(id: number, immediately = false): void {
    if (this.closed) return;
    const live = this.live.get(id);
    if (live) {
      live.progress.push(id);
      if (immediately) live.progress.flush();
      return;
    }
    const row = this.records.get(id);
    if (row) this.events.emit('runs.onChanged', this.summaryOf(row));
  }

  private update(id: number, patch: RunPatch): void {
    if (!this.closed) this.records.update(id, patch);
  }

  private require(id: number): RunRow {
    const row = this.records.get(id);
    if (!row) throw new StudioError('not_found', `run ${id} does not exist in this project`, 'Refresh the runs list; it may have been deleted.');
    return row;
  }

  private assertOpen(): void {
    if (this.closed) throw new StudioError('no_project', 'The project of this run manager was closed.', 'Open the project again.');
  }
}

function eta(live: LiveRun): number | null {
  const rate = live.rate;
  const total = live.figures.totalSteps;
  if (!rate || total === null || rate.lastStep <= rate.firstStep) return null;
  const perStep = (rate.lastTime - rate.firstTime) / (rate.lastStep - rate.firstStep);
  return Math.max(0, Math.round(perStep * (total - live.figures.step)));
}

function errorFromEvent(event: WorkerEvent): { message: string; hint?: string } {
  try {
    const payload = JSON.parse(event.json) as { message?: unknown; hint?: unknown };
    const message = typeof payload.message === 'string' ? payload.message : event.json;
    return typeof payload.hint === 'string' && payload.hint !== '' ? { message, hint: payload.hint } : { message };
  } catch {
    return { message: event.json };
  }
}

function now(): string {
  return new Date().toISOString();
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
