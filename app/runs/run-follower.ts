/**
 * Following one training worker while it runs: its metrics.sqlite (rows, status, events,
 * checkpoints) and its console log, polled by the job supervisor's ticker. Keeps the run's live
 * figures (step, last loss, best eval accuracy) and its speed for the ETA, and hands everything
 * worth telling to the run manager through `RunFollowerHooks`. Knows nothing about the queue,
 * the database of the project, or how the run will be settled.
 */
import path from 'node:path';
import type { Problem } from '../errors';
import type { JobControl, SupervisedJob } from '../jobs/job-supervisor';
import { isFinalPhase } from '../jobs/job-settlement';
import { throttleProgress } from '../studio/progress-throttle';
import { LogTail } from './log-tail';
import type { WorkerCheckpoint, WorkerEvent, WorkerStatus } from './metrics-reader';
import { MetricsTail } from './metrics-tail';
import { CONSOLE_LOG, METRICS_FILE } from './run-directory';
import type { MetricsBatch } from './types';

export interface RunFigures {
  step: number;
  totalSteps: number | null;
  lastLoss: number | null;
  bestEvalAccuracy: number | null;
}

export interface RunFollowerHooks {
  onMetrics(batch: MetricsBatch): void;
  onLog(lines: string[]): void;
  /** The worker moved between loading ('starting') and training ('running'). */
  onPhase(follower: RunFollower, status: 'starting' | 'running'): void;
  onCheckpoints(follower: RunFollower, found: WorkerCheckpoint[]): void;
  /** Figures changed; called at most once per `progressMs`. */
  onProgress(follower: RunFollower): void;
}

export interface RunFollowerOptions {
  batchMs: number;
  progressMs: number;
}

export interface FollowedRun {
  id: number;
  dir: string;
  pid: number;
  /** True when this studio launched it (its exit is reported); false when reattached. */
  ours: boolean;
  figures: RunFigures;
}

export class RunFollower implements SupervisedJob {
  readonly id: number;
  readonly dir: string;
  readonly pid: number;
  readonly ours: boolean;
  control: JobControl | null = null;
  stopRequested = false;
  killedAfterGrace = false;
  settled = false;
  killTimer: NodeJS.Timeout | null = null;
  /** Deleting: its end is not recorded (the row is about to go). */
  deleting = false;
  status: WorkerStatus | null = null;
  lastError: Problem | null = null;
  /** When a final phase was first seen: a pid alive long after it is a recycled pid. */
  finalPhaseSeenAt: number | null = null;
  lastLivenessCheck = Date.now();
  readonly figures: RunFigures;
  private readonly tail: MetricsTail;
  private readonly log: LogTail;
  private pendingLog: string[] = [];
  private lastLogEmit = 0;
  private rate: { firstStep: number; firstTime: number; lastStep: number; lastTime: number } | null = null;
  private readonly progress: { push(id: number): void; flush(): void };

  constructor(
    run: FollowedRun,
    private readonly hooks: RunFollowerHooks,
    private readonly options: RunFollowerOptions,
  ) {
    this.id = run.id;
    this.dir = run.dir;
    this.pid = run.pid;
    this.ours = run.ours;
    this.figures = { ...run.figures };
    this.progress = throttleProgress(() => this.hooks.onProgress(this), options.progressMs);
    this.tail = new MetricsTail(run.id, path.join(run.dir, METRICS_FILE), {
      onRows: (batch) => this.onRows(batch),
      onStatus: (status) => this.onStatus(status),
      onEvents: (events) => this.onEvents(events),
      onCheckpoints: (found) => this.hooks.onCheckpoints(this, found),
    }, { batchMs: options.batchMs, afterId: run.ours ? 0 : null, afterEventId: 0 });
    this.log = new LogTail(path.join(run.dir, CONSOLE_LOG), !run.ours);
  }

  /** One tick: new rows, status and log lines. */
  poll(at: number): void {
    this.tail.poll(at);
    const lines = this.log.read();
    if (lines.length > 0) this.pendingLog.push(...lines);
    if (this.pendingLog.length > 0 && at - this.lastLogEmit >= this.options.batchMs) this.emitLog(at);
  }

  /** The worker is gone: read its last rows and log lines, then close the files. */
  readToEnd(): void {
    try {
      this.tail.poll(Number.POSITIVE_INFINITY);
      this.tail.flush();
    } catch (error) {
      console.error(`reward-studio: reading the end of run ${this.id} failed:`, error);
    }
    const lines = this.log.drain();
    if (lines.length > 0) this.pendingLog.push(...lines);
    if (this.pendingLog.length > 0) this.emitLog(Date.now());
    this.tail.close();
  }

  close(): void {
    this.tail.close();
  }

  /** Progress goes out at most once per `progressMs`; `now` sends what is pending at once. */
  changed(now = false): void {
    this.progress.push(this.id);
    if (now) this.progress.flush();
  }

  /** Seconds left at the speed seen since the first loss row; null before two of them. */
  eta(): number | null {
    const rate = this.rate;
    const total = this.figures.totalSteps;
    if (!rate || total === null || rate.lastStep <= rate.firstStep) return null;
    const perStep = (rate.lastTime - rate.firstTime) / (rate.lastStep - rate.firstStep);
    return Math.max(0, Math.round(perStep * (total - this.figures.step)));
  }

  private onRows(batch: MetricsBatch): void {
    for (const row of batch.rows) {
      if (row.tag === 'loss') {
        this.figures.lastLoss = row.value;
        if (!this.rate) this.rate = { firstStep: row.step, firstTime: row.wallTime, lastStep: row.step, lastTime: row.wallTime };
        else Object.assign(this.rate, { lastStep: row.step, lastTime: row.wallTime });
      } else if (row.tag === 'eval_accuracy') {
        this.figures.bestEvalAccuracy = Math.max(this.figures.bestEvalAccuracy ?? Number.NEGATIVE_INFINITY, row.value);
      }
    }
    this.hooks.onMetrics(batch);
    this.changed();
  }

  private onStatus(status: WorkerStatus): void {
    const before = this.status;
    this.status = status;
    this.figures.step = status.step;
    if (status.totalSteps !== null) this.figures.totalSteps = status.totalSteps;
    // A final phase settles nothing by itself: the process's exit (or its pid vanishing) does.
    if (isFinalPhase(status.phase)) {
      this.finalPhaseSeenAt ??= Date.now();
      return;
    }
    const phase = runPhase(status);
    const beforePhase = before === null ? null : runPhase(before);
    if (beforePhase !== phase) this.hooks.onPhase(this, phase);
    else if (before?.step !== status.step || before?.phase !== status.phase) this.changed();
  }

  private onEvents(events: WorkerEvent[]): void {
    for (const event of events) if (event.kind === 'error') this.lastError = problemFromEvent(event);
  }

  private emitLog(at: number): void {
    const lines = this.pendingLog;
    this.pendingLog = [];
    this.lastLogEmit = at;
    this.hooks.onLog(lines);
  }
}

/** The run's status for a worker phase: loading counts as starting, everything after as running. */
function runPhase(status: WorkerStatus): 'starting' | 'running' {
  return status.phase === 'starting' || status.phase === 'loading' ? 'starting' : 'running';
}

/** A worker's error event as a Problem (its JSON is the worker's; a broken one is shown raw). */
export function problemFromEvent(event: WorkerEvent): Problem {
  try {
    const payload = JSON.parse(event.json) as { message?: unknown; hint?: unknown };
    const message = typeof payload.message === 'string' ? payload.message : event.json;
    return typeof payload.hint === 'string' && payload.hint !== '' ? { message, hint: payload.hint } : { message };
  } catch {
    return { message: event.json };
  }
}
