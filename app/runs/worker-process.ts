/**
 * Starting and signalling training workers. A worker runs detached in its own process group, with
 * stdout/stderr going to a file in its run directory (not a pipe): it survives the studio closing
 * (a pipe would break and kill it on its next print), a restarted studio can follow its output,
 * and a signal to the group reaches every process under it (accelerate's ranks included).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { workerEnvironment } from '../environment/python-interpreter';
import { CONSOLE_LOG } from './run-directory';

export interface WorkerLaunch {
  python: string;
  runDir: string;
  /** GPU indices; empty = CPU. More than one launches through accelerate (one process per GPU). */
  gpus: number[];
  /** Extra environment (secrets such as WANDB_API_KEY, test knobs). */
  env?: Record<string, string>;
}

export interface LaunchedWorker {
  child: ChildProcess;
  pid: number;
  command: string[];
}

export function workerCommand(launch: WorkerLaunch): string[] {
  const train = ['-m', 'reward_studio', 'train', '--run-dir', launch.runDir];
  if (launch.gpus.length > 1) {
    return [launch.python, '-m', 'accelerate.commands.launch', '--num_processes', String(launch.gpus.length), ...train];
  }
  return [launch.python, ...train];
}

/**
 * Spawns the worker. Resolves once the OS has started it (or rejects with the spawn error, e.g.
 * ENOENT for a missing interpreter) so a run is never recorded as running without a pid.
 */
export function launchWorker(launch: WorkerLaunch): Promise<LaunchedWorker> {
  const command = workerCommand(launch);
  const logFile = path.join(launch.runDir, CONSOLE_LOG);
  const fd = openSync(logFile, 'a');
  writeSync(fd, `# ${new Date().toISOString()} studio: ${command.map(quote).join(' ')}\n`);
  const env = workerEnvironment({
    ...launch.env,
    // '' hides every GPU: a CPU run must not grab one by accident.
    CUDA_VISIBLE_DEVICES: launch.gpus.join(','),
  });
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(command[0] as string, command.slice(1), { cwd: launch.runDir, env, detached: true, stdio: ['ignore', fd, fd] });
    } catch (error) {
      closeSync(fd);
      reject(error);
      return;
    }
    // The child has its own copy of the descriptor; ours is no longer needed.
    closeSync(fd);
    child.once('error', reject);
    child.once('spawn', () => {
      child.off('error', reject);
      // Keeps the studio free to exit while the worker trains on.
      child.unref();
      resolve({ child, pid: child.pid as number, command });
    });
  });
}

/** Signals the worker's whole process group; falls back to the pid alone for a non-leader. */
export function signalWorker(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number | null | undefined): boolean {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
