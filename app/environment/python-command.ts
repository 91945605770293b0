/**
 * Runs a short Python command to completion (describe-config, the environment probe, tiny-model,
 * pip): output captured, optionally streamed line by line, bounded by a timeout. Long-lived
 * training workers do not come through here (see worker-process.ts).
 */
import { spawn } from 'node:child_process';
import { workerEnvironment } from './python-interpreter';

export interface PythonCommandOptions {
  timeoutMs: number;
  cwd?: string;
  env?: Record<string, string>;
  /** Every complete output line (stdout and stderr), as it arrives. */
  onLine?: (line: string) => void;
}

export interface PythonCommandResult {
  /** null when the process could not start (see `spawnError`) or was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** e.g. ENOENT when the interpreter does not exist. */
  spawnError: NodeJS.ErrnoException | null;
}

export function runCommand(command: string, args: string[], options: PythonCommandOptions): Promise<PythonCommandResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let spawnError: NodeJS.ErrnoException | null = null;
    const child = spawn(command, args, { cwd: options.cwd, env: workerEnvironment(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    const lineSplitter = () => {
      let partial = '';
      return {
        push(text: string) {
          if (!options.onLine) return;
          partial += text;
          const lines = partial.split(/\r?\n|\r/);
          partial = lines.pop() ?? '';
          for (const line of lines) options.onLine(line);
        },
        end() {
          if (options.onLine && partial !== '') options.onLine(partial);
          partial = '';
        },
      };
    };
    const outLines = lineSplitter();
    const errLines = lineSplitter();
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      outLines.push(text);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
      errLines.push(text);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError = error;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      outLines.end();
      errLines.end();
      resolve({ code, stdout, stderr, timedOut, spawnError });
    });
  });
}

/** The last few lines of a failed command's stderr, for an error message a person can act on. */
export function stderrTail(result: PythonCommandResult, lines = 6): string {
  return result.stderr.trim().split('\n').slice(-lines).join('\n');
}
