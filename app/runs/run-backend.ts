/**
 * Where a run's worker runs. The run manager asks a backend to launch a frozen run directory, to
 * signal it, and whether it still lives; everything else (following metrics.sqlite, settling the
 * run, the queue) is the same wherever the GPUs are. Today there is the local backend; an SSH host
 * or a SLURM cluster implement the same four calls (issue #17).
 */
import type { JobControl } from '../jobs/job-supervisor';
import type { JobExit } from '../jobs/job-settlement';
import { isProcessAlive, launchWorker, signalWorker } from './worker-process';

export interface RunLaunch {
  python: string;
  runDir: string;
  gpus: number[];
  env: Record<string, string>;
}

export interface LaunchedRun {
  pid: number;
  /** Resolves when the worker process exits (only for a worker launched by this studio). */
  exited: Promise<JobExit>;
}

export interface RunBackend {
  /** Starts the worker; rejects (e.g. a missing interpreter) before anything is recorded as running. */
  launch(run: RunLaunch): Promise<LaunchedRun>;
  signal(pid: number, signal: NodeJS.Signals): void;
  isAlive(pid: number | null | undefined): boolean;
}

/** A worker on this machine, detached in its own process group (see worker-process.ts). */
export const localRunBackend: RunBackend = {
  async launch(run) {
    const worker = await launchWorker(run);
    const exited = new Promise<JobExit>((resolve) => worker.child.once('exit', (code, signal) => resolve({ code, signal })));
    return { pid: worker.pid, exited };
  },
  signal(pid, signal) {
    signalWorker(pid, signal);
  },
  isAlive: isProcessAlive,
};

/** SIGTERM asks the worker to checkpoint and exit; SIGKILL ends it. */
export function runControl(backend: RunBackend, pid: number): JobControl {
  return {
    terminate: () => backend.signal(pid, 'SIGTERM'),
    kill: () => backend.signal(pid, 'SIGKILL'),
  };
}
