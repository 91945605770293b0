/**
 * How a long-running job ended, decided in one place. Runs (when their worker exits, when its pid
 * vanishes, when a restarted studio finds it gone) and evaluations (when their scoring settles)
 * all hand what they know to `settleJob`; nothing else decides a final status.
 *
 * Pure: no clock, no files, no processes — so every combination of what the job reported, whether
 * a person asked it to stop, and how its process ended is unit-tested (tests/jobs/).
 */
import type { Problem } from '../errors';

export type JobEnd = 'finished' | 'stopped' | 'failed';

/** How a process ended, as Node reports it for a child. */
export interface JobExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Everything known about a job at the moment it is gone. */
export interface JobEvidence {
  /** The last phase the job wrote into its own record (e.g. 'training', 'finished'), if any. */
  phase: string | null;
  /** The message of that last status, if any. */
  phaseMessage: string | null;
  /** The last error the job reported itself (its error event). */
  lastError: Problem | null;
  /** A person asked it to stop (Stop, cancel, delete). */
  stopRequested: boolean;
  /** It ignored the polite stop for the whole grace period and was killed. */
  killedAfterGrace: boolean;
  /** How its process ended when it was our child; null when it was only seen gone (pid vanished). */
  exit: JobExit | null;
}

/** Words for the job's own files, so a failure says where to look. */
export interface SettleContext {
  /** The polite-stop → kill delay, for the "did not stop within N s" message. */
  graceMs: number;
  /** Where to look when the job reported a failure itself (e.g. "See <run>/worker.log."). */
  reportedFailureHint: string;
  /** Where to look when it died without a word. */
  silentFailureHint: string;
}

export interface JobSettlement {
  status: JobEnd;
  error: Problem | null;
}

const FINAL_PHASES: ReadonlySet<string> = new Set<JobEnd>(['finished', 'stopped', 'failed']);

/** Whether a phase a job wrote is one it never leaves. */
export function isFinalPhase(phase: string | null | undefined): phase is JobEnd {
  return typeof phase === 'string' && FINAL_PHASES.has(phase);
}

/**
 * The job's own last word wins (it knows best whether it finished); then a person's stop; then
 * the exit code. A job that died silently keeps the last error it reported, if any.
 */
export function settleJob(evidence: JobEvidence, context: SettleContext): JobSettlement {
  const { phase } = evidence;
  if (phase === 'finished') return { status: 'finished', error: null };
  if (phase === 'stopped') return { status: 'stopped', error: null };
  if (phase === 'failed') {
    return { status: 'failed', error: evidence.lastError ?? { message: evidence.phaseMessage ?? 'the worker failed', hint: context.reportedFailureHint } };
  }
  if (evidence.stopRequested) {
    if (!evidence.killedAfterGrace) return { status: 'stopped', error: null };
    return {
      status: 'stopped',
      error: {
        message: `the worker did not stop within ${Math.round(context.graceMs / 1000)} s of SIGTERM and was killed`,
        hint: 'Checkpoints saved before the stop are kept.',
      },
    };
  }
  if (evidence.exit?.code === 0) return { status: 'finished', error: null };
  return { status: 'failed', error: evidence.lastError ?? { message: `the worker ${howItEnded(evidence.exit)} without saying why`, hint: context.silentFailureHint } };
}

function howItEnded(exit: JobExit | null): string {
  if (exit?.signal) return `was killed (${exit.signal})`;
  if (exit?.code != null) return `exited with code ${exit.code}`;
  return 'stopped';
}

/** What a restarted studio found of a job recorded as active. */
export interface ReattachEvidence {
  phase: string | null;
  /** Its process (or the pid it wrote) exists. */
  alive: boolean;
  /** Age of its last heartbeat; null before its first one. */
  heartbeatAgeMs: number | null;
  /** Time since it was launched; null when unknown. */
  sinceLaunchMs: number | null;
  /** Heartbeats older than this mean the process is not ours any more (a recycled pid). */
  staleMs: number;
}

/**
 * Follow it again, or settle it now. Before its first heartbeat a worker is still importing torch,
 * so a launch younger than the stale limit counts as alive-and-fresh.
 */
export function reattachVerdict(evidence: ReattachEvidence): 'follow' | 'settle' {
  if (isFinalPhase(evidence.phase) || !evidence.alive) return 'settle';
  if (evidence.heartbeatAgeMs !== null) return evidence.heartbeatAgeMs < evidence.staleMs ? 'follow' : 'settle';
  return evidence.sinceLaunchMs !== null && evidence.sinceLaunchMs < evidence.staleMs ? 'follow' : 'settle';
}
