/**
 * The run manager of one open project: starts (or queues) training runs, follows each running
 * worker's metrics.sqlite and console output, indexes checkpoints into project.sqlite, stops and
 * deletes runs, and — when the studio starts again — reattaches to workers that kept training.
 *
 * Workers are never children in the "dies with us" sense: they run detached, write their own
 * record (metrics.sqlite) and outlive the studio. Closing a project or the studio only stops the
 * following (`detach`), never the training. The queue, the stop escalation and the ticker are the
 * job supervisor's (app/jobs); how a run ended is decided by `settleJob`; where the worker runs is
 * the backend's (run-backend.ts).
 */
import path from 'node:path';
import { StudioError } from '../errors';
import { JobSupervisor, isoNow, type EventSink } from '../jobs/job-supervisor';
import { reattachVerdict, settleJob, type JobEvidence, type JobExit } from '../jobs/job-settlement';
import type { ProjectStore } from '../store/project-store';
import type { WorkerCheckpoint } from './metrics-reader';
import { trainingPython } from '../environment/python-interpreter';
import { localRunBackend, runControl, type RunBackend } from './run-backend';
import { createRun, type StartRunRequest } from './run-creation';
import { CONSOLE_LOG, removeRunDirectory, WORKER_LOG } from './run-directory';
import { readDataReport, readLogTail, readMetrics, readWorkerRecord } from './run-files';
import { estimateRun } from './run-estimate';
import { RunFollower } from './run-follower';
import { runsToStart } from './run-queue';
import { WORKER_STATUSES, RunRecords, toSummary, type RunPatch, type RunRow } from './run-records';
import { describeConfig, withDefaults } from './worker-config-schema';
import { estimateRunTime } from './run-pace';
import { defaultTinyModelDir, TINY_MODEL_ALIAS } from '../environment/tiny-model';
import type { CheckpointInfo, MetricsBatch, RunDetail, RunEstimate, RunStatus, RunSummary } from './types';

export type { EventSink } from '../jobs/job-supervisor';
export type { StartRunRequest } from './run-creation';

export interface RunManagerOptions {
  store: ProjectStore;
  events: EventSink;
  /** The interpreter for new runs, asked at each start (settings can change). */
  python?: () => string;
  /** Where workers run (default: this machine). */
  backend?: RunBackend;
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

const SETUP_HINT = 'Check the training environment (Environment → Set up training environment, or npm run setup:worker).';
/** A final phase with the pid still around this long is a recycled pid, not our worker. */
const RECYCLED_PID_MS = 10_000;

export class RunManager {
  readonly records: RunRecords;
  private readonly store: ProjectStore;
  private readonly events: EventSink;
  private readonly python: () => string;
  private readonly backend: RunBackend;
  private readonly timing: { stopGraceMs: number; batchMs: number; progressMs: number; heartbeatStaleMs: number };
  private readonly jobs: JobSupervisor<RunFollower>;
  /** Secret options (W&B key) of queued runs: memory only, never on disk. */
  private readonly secrets = new Map<number, Record<string, string>>();

  constructor(private readonly init: RunManagerOptions) {
    this.store = init.store;
    this.events = init.events;
    this.records = new RunRecords(init.store.db);
    this.python = init.python ?? trainingPython;
    this.backend = init.backend ?? localRunBackend;
    this.timing = {
      stopGraceMs: init.stopGraceMs ?? 30_000,
      batchMs: init.batchMs ?? 250,
      progressMs: init.progressMs ?? 1000,
      heartbeatStaleMs: init.heartbeatStaleMs ?? 30_000,
    };
    this.jobs = new JobSupervisor<RunFollower>({ noun: 'run', stopGraceMs: this.timing.stopGraceMs, pollMs: init.pollMs ?? 100, onTick: (run, at) => this.tick(run, at) });
  }

  // ---- lifecycle ---------------------------------------------------------------------------------

  /** Reattaches to runs recorded as starting/running (or settles them), then starts what is queued. */
  async resume(): Promise<void> {
    for (const row of this.records.withStatus(WORKER_STATUSES)) this.reattach(row);
    await this.pump();
  }

  /** Stops following (timers, open files); the workers keep training. */
  detach(): void {
    for (const run of this.jobs.close()) run.close();
  }

  // ---- commands ----------------------------------------------------------------------------------

  list(): RunSummary[] {
    return this.records.list().map((row) => this.summaryOf(row));
  }

  get(id: number): RunDetail {
    const row = this.require(id);
    return {
      ...this.summaryOf(row),
      config: row.config,
      splits: row.splits,
      checkpoints: this.records.checkpoints(id),
      data: { trainItems: row.trainItems, valItems: row.valItems, report: readDataReport(row.dir) },
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
    const fields = await describeConfig(this.python());
    const config = withDefaults(fields, request.config);
    const steps = await estimateRun(this.store, request.splits, config, request.gpus);
    // "@tiny" names the folder it will be made in; earlier runs recorded that folder.
    const named = String(config.base_model_name ?? '');
    const baseModel = named === TINY_MODEL_ALIAS ? (this.init.tinyModelDir ?? defaultTinyModelDir()) : named;
    const time = estimateRunTime(this.records.withStatus(['finished']), { baseModel, gpuCount: request.gpus.length, config }, steps.totalSteps);
    return { ...steps, time };
  }

  /** Freezes the data, writes config.json, records the run and starts (or queues) its worker. */
  async start(request: StartRunRequest): Promise<RunSummary> {
    this.assertOpen();
    const { id, secrets } = await createRun(this.store, this.records, { ...request, python: this.python(), tinyModelDir: this.init.tinyModelDir });
    if (Object.keys(secrets).length > 0) this.secrets.set(id, secrets);
    this.emitChanged(id);
    await this.pump();
    return this.summary(id);
  }

  /** Queued: taken off the queue. Running: SIGTERM (checkpoint, then exit), SIGKILL after the grace period. */
  async stop(id: number): Promise<RunSummary> {
    const row = this.require(id);
    if (row.status === 'queued') {
      this.update(id, { status: 'stopped', finishedAt: isoNow() });
      this.secrets.delete(id);
      this.emitChanged(id);
      await this.pump();
      return this.summary(id);
    }
    this.jobs.stop(id);
    return this.summary(id);
  }

  /** Stops the worker at once if it runs (no checkpoint: everything is deleted), then removes files and rows. */
  async delete(id: number): Promise<{ deleted: number }> {
    const row = this.require(id);
    await this.jobs.end(id, (run) => (run.deleting = true));
    this.secrets.delete(id);
    await removeRunDirectory(this.store.dir, row.dir);
    const deleted = this.records.delete(id);
    await this.pump();
    return { deleted };
  }

  /** Every scalar row after `afterId` of each run, straight from its metrics.sqlite. */
  metrics(ids: number[], afterId: number, tags?: string[]): MetricsBatch[] {
    return ids.map((id) => readMetrics(id, this.require(id).dir, afterId, tags));
  }

  /** The last lines of the worker's console output (worker.log for runs started from a shell). */
  log(id: number, count: number): { lines: string[] } {
    return { lines: readLogTail(this.require(id).dir, count) };
  }

  // ---- queue, launch, reattach -------------------------------------------------------------------

  /** Starts queued runs whose devices are free. */
  private pump(): Promise<void> {
    return this.jobs.serialize(async () => {
      const active = this.records.withStatus(WORKER_STATUSES);
      const queued = this.records.withStatus(['queued']);
      for (const id of runsToStart(active, queued)) {
        const row = this.records.get(id);
        if (row && row.status === 'queued' && !this.jobs.closed) await this.launch(row);
      }
    });
  }

  private async launch(row: RunRow): Promise<void> {
    const python = this.python();
    this.update(row.id, { status: 'starting', startedAt: isoNow(), error: null });
    const secrets = this.secrets.get(row.id) ?? {};
    this.secrets.delete(row.id);
    const env: Record<string, string> = { ...this.init.workerEnv };
    if (secrets.wandb_api_key) env.WANDB_API_KEY = secrets.wandb_api_key;
    try {
      const worker = await this.backend.launch({ python, runDir: row.dir, gpus: row.gpus, env });
      this.update(row.id, { pid: worker.pid });
      const run = this.follow(this.records.get(row.id) as RunRow, worker.pid, true);
      void worker.exited.then((exit) => this.settle(run, exit));
    } catch (error) {
      this.update(row.id, {
        status: 'failed',
        finishedAt: isoNow(),
        error: { message: `could not start the worker with ${python}: ${(error as Error).message}`, hint: SETUP_HINT },
      });
    }
    this.emitChanged(row.id, true);
  }

  /** A restarted studio: follow a worker that still trains, settle one that is gone. */
  private reattach(row: RunRow): void {
    const found = readWorkerRecord(row.dir);
    const status = found?.status ?? null;
    if (found) {
      this.syncCheckpoints(row, found.checkpoints);
      this.update(row.id, { ...found.figures, step: status?.step ?? row.step, totalSteps: status?.totalSteps ?? row.totalSteps });
    }
    const verdict = reattachVerdict({
      phase: status?.phase ?? null,
      alive: row.pid !== null && (this.backend.isAlive(row.pid) || this.backend.isAlive(status?.pid)),
      heartbeatAgeMs: status ? Date.now() - status.heartbeat * 1000 : null,
      sinceLaunchMs: row.startedAt !== null ? Date.now() - Date.parse(row.startedAt) : null,
      staleMs: this.timing.heartbeatStaleMs,
    });
    if (verdict === 'follow') {
      this.follow(row, row.pid as number, false);
    } else {
      const evidence = { phase: status?.phase ?? null, phaseMessage: status?.message ?? null, lastError: found?.lastError ?? null, stopRequested: false, killedAfterGrace: false, exit: null };
      this.record(row.id, row.dir, evidence, null);
    }
    this.emitChanged(row.id, true);
  }

  private follow(row: RunRow, pid: number, ours: boolean): RunFollower {
    const figures = { step: row.step, totalSteps: row.totalSteps, lastLoss: row.lastLoss, bestEvalAccuracy: row.bestEvalAccuracy };
    const run = new RunFollower({ id: row.id, dir: row.dir, pid, ours, figures }, {
      onMetrics: (batch) => this.events.emit('runs.onMetrics', batch),
      onLog: (lines) => this.events.emit('runs.onLog', { runId: row.id, lines }),
      onPhase: (follower, phase) => this.onPhase(follower, phase),
      onCheckpoints: (follower, found) => {
        const current = this.records.get(follower.id);
        if (current && this.syncCheckpoints(current, found)) follower.changed();
      },
      onProgress: (follower) => this.persistProgress(follower),
    }, this.timing);
    run.control = runControl(this.backend, pid);
    return this.jobs.watch(run);
  }

  // ---- following -----------------------------------------------------------------------------------

  private tick(run: RunFollower, at: number): void {
    run.poll(at);
    // A reattached worker is not our child: its end shows as a dead pid (or a final phase).
    if (run.ours || at - run.lastLivenessCheck < 1000) return;
    run.lastLivenessCheck = at;
    const alive = this.backend.isAlive(run.pid) || this.backend.isAlive(run.status?.pid);
    const recycled = run.finalPhaseSeenAt !== null && at - run.finalPhaseSeenAt > RECYCLED_PID_MS;
    if (!alive || recycled) this.settle(run, null);
  }

  private onPhase(run: RunFollower, phase: 'starting' | 'running'): void {
    const row = this.records.get(run.id);
    if (row && row.status !== phase && (row.status === 'starting' || row.status === 'running')) {
      this.update(run.id, { status: phase });
      run.changed(true);
    } else {
      run.changed();
    }
  }

  private syncCheckpoints(row: RunRow, found: readonly WorkerCheckpoint[]): boolean {
    const { added, changed } = this.records.syncCheckpoints(row.id, row.dir, found);
    for (const checkpoint of added) this.events.emit('checkpoints.onAdded', checkpoint);
    return changed;
  }

  private persistProgress(run: RunFollower): void {
    if (this.jobs.closed || this.jobs.get(run.id) !== run) return;
    this.update(run.id, { ...run.figures });
    const row = this.records.get(run.id);
    if (row) this.events.emit('runs.onChanged', this.summaryOf(row));
  }

  /** The worker is gone (its exit, or its pid vanishing): read its last words, record how it ended. */
  private settle(run: RunFollower, exit: JobExit | null): void {
    if (this.jobs.closed || !this.jobs.settle(run)) return;
    run.readToEnd();
    if (run.deleting) return;
    const evidence: JobEvidence = {
      phase: run.status?.phase ?? null,
      phaseMessage: run.status?.message ?? null,
      lastError: run.lastError,
      stopRequested: run.stopRequested,
      killedAfterGrace: run.killedAfterGrace,
      exit,
    };
    this.record(run.id, run.dir, evidence, run.figures);
    this.emitChanged(run.id, true);
    void this.pump();
  }

  private record(id: number, dir: string, evidence: JobEvidence, figures: RunPatch | null): void {
    const { status, error } = settleJob(evidence, {
      graceMs: this.timing.stopGraceMs,
      reportedFailureHint: `See ${path.join(dir, WORKER_LOG)}.`,
      silentFailureHint: `See ${path.join(dir, CONSOLE_LOG)} and ${WORKER_LOG} in the run folder; the metrics so far are kept.`,
    });
    this.update(id, { status: status as RunStatus, error, finishedAt: isoNow(), pid: null, ...figures });
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private summaryOf(row: RunRow): RunSummary {
    const run = this.jobs.get(row.id);
    const merged = run ? { ...row, ...run.figures } : row;
    return toSummary(merged, { etaSeconds: run ? run.eta() : null, checkpointCount: this.records.checkpointCount(row.id) });
  }

  /** Status changes go out at once; progress of a followed run at most once per `progressMs`. */
  private emitChanged(id: number, immediately = false): void {
    if (this.jobs.closed) return;
    const run = this.jobs.get(id);
    if (run) return run.changed(immediately);
    const row = this.records.get(id);
    if (row) this.events.emit('runs.onChanged', this.summaryOf(row));
  }

  private update(id: number, patch: RunPatch): void {
    if (!this.jobs.closed) this.records.update(id, patch);
  }

  private require(id: number): RunRow {
    const row = this.records.get(id);
    if (!row) throw new StudioError('not_found', `run ${id} does not exist in this project`, 'Refresh the runs list; it may have been deleted.');
    return row;
  }

  private assertOpen(): void {
    if (this.jobs.closed) throw new StudioError('no_project', 'The project of this run manager was closed.', 'Open the project again.');
  }
}
