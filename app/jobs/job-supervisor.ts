/**
 * The one shape of a long-running worker job (a training run, an evaluation): a serialized queue
 * that starts what may start, a registry of the jobs being followed, a ticker that polls them, a
 * polite stop that turns into a kill after a grace period, a wait for a job to be gone before its
 * files are deleted, and a settle-once step. What a job *is* (a detached training worker, a
 * scoring child, an in-process ONNX session) stays with its domain; how it ended is decided by
 * `settleJob` (job-settlement.ts).
 */
import { StudioError } from '../errors';
import type { EventName, EventPayload } from '../contract';

/** Where a job's domain sends the contract's events (the studio's event bus). */
export interface EventSink {
  emit<K extends EventName>(name: K, payload: EventPayload<K>): void;
}

/** How to reach a job's process: the seam between "what to do" and "where it runs". */
export interface JobControl {
  /** Asks the job to stop and save what it can (SIGTERM, a cancel request). */
  terminate(): void;
  /** Ends it at once (SIGKILL). Absent when the job has no harder way to stop than `terminate`. */
  kill?(): void;
}

/** The supervisor's part of a followed job; domains extend it with their own state. */
export interface SupervisedJob {
  readonly id: number;
  control: JobControl | null;
  stopRequested: boolean;
  killedAfterGrace: boolean;
  settled: boolean;
  killTimer: NodeJS.Timeout | null;
}

export interface JobSupervisorOptions<J extends SupervisedJob> {
  /** Polite stop → kill delay. */
  stopGraceMs: number;
  /** How often `onTick` runs while any job is followed; 0 = no ticker. */
  pollMs: number;
  /** Reads a followed job's files; errors are logged, never thrown at the ticker. */
  onTick?: (job: J, at: number) => void;
  /** Names the kind of job in messages ("run", "evaluation"). */
  noun: string;
}

export function newJobState(id: number, control: JobControl | null = null): SupervisedJob {
  return { id, control, stopRequested: false, killedAfterGrace: false, settled: false, killTimer: null };
}

export class JobSupervisor<J extends SupervisedJob> {
  private readonly live = new Map<number, J>();
  private queue: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private isClosed = false;

  constructor(private readonly options: JobSupervisorOptions<J>) {}

  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * Runs `task` after every task queued before it: two callers deciding what to start must not
   * start one job twice. A failing task does not block the queue.
   */
  serialize(task: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(async () => {
      if (this.isClosed) return;
      try {
        await task();
      } catch (error) {
        if (!this.isClosed) console.error(`reward-studio: the ${this.options.noun} queue failed:`, error);
      }
    });
    return this.queue;
  }

  /** Starts following a job (and the ticker, if there is one). */
  watch(job: J): J {
    this.live.set(job.id, job);
    if (this.options.pollMs > 0 && this.options.onTick && !this.timer && !this.isClosed) {
      this.timer = setInterval(() => this.tick(), this.options.pollMs);
      this.timer.unref();
    }
    return job;
  }

  get(id: number): J | undefined {
    return this.live.get(id);
  }

  jobs(): J[] {
    return [...this.live.values()];
  }

  /** Asks the job (if it is followed) to stop; kills it once the grace period passes without it settling. */
  stop(id: number): void {
    const job = this.live.get(id);
    if (!job || job.stopRequested || job.settled) return;
    job.stopRequested = true;
    job.control?.terminate();
    const kill = job.control?.kill;
    if (!kill) return;
    job.killTimer = setTimeout(() => {
      job.killTimer = null;
      if (job.settled || this.live.get(job.id) !== job) return;
      job.killedAfterGrace = true;
      kill.call(job.control);
    }, this.options.stopGraceMs);
    job.killTimer.unref();
  }

  /**
   * Ends the job (if it is followed) as hard as its control allows and waits until it has settled,
   * so its files can be deleted under no one. `mark` flags it first (e.g. "being deleted: record
   * nothing"). Throws `busy` when it outlives `timeoutMs`.
   */
  async end(id: number, mark?: (job: J) => void, timeoutMs = 15_000): Promise<void> {
    const job = this.live.get(id);
    if (!job) return;
    mark?.(job);
    job.stopRequested = true;
    if (job.control?.kill) job.control.kill();
    else job.control?.terminate();
    const deadline = Date.now() + timeoutMs;
    while (this.live.get(job.id) === job && Date.now() < deadline) await delay(50);
    if (this.live.get(job.id) === job) {
      throw new StudioError('busy', `${this.options.noun} ${job.id} did not stop in time`, 'Try again in a moment; nothing was deleted.');
    }
  }

  /**
   * Marks the job settled and stops following it. Returns false when it already was (an exit and
   * a vanished pid can both report one end): the caller then records nothing.
   */
  settle(job: J): boolean {
    if (job.settled) return false;
    job.settled = true;
    if (job.killTimer) clearTimeout(job.killTimer);
    job.killTimer = null;
    if (this.live.get(job.id) === job) this.live.delete(job.id);
    return true;
  }

  /** Stops following everything (timers only: the jobs' own processes are the domain's call). */
  close(): J[] {
    this.isClosed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const jobs = this.jobs();
    for (const job of jobs) if (job.killTimer) clearTimeout(job.killTimer);
    this.live.clear();
    return jobs;
  }

  private tick(): void {
    const at = Date.now();
    for (const job of this.jobs()) {
      try {
        this.options.onTick?.(job, at);
      } catch (error) {
        console.error(`reward-studio: following ${this.options.noun} ${job.id} failed:`, error);
      }
    }
    if (this.live.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}

export function isoNow(): string {
  return new Date().toISOString();
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
