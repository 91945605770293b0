/**
 * The Python engine: `python -m reward_studio score` on the frozen data, on the GPU when the
 * worker finds one. Progress and the data report arrive as JSON lines on stdout (--json-progress);
 * a failure as `{"event": "error", "message", "hint"}` on stderr with exit code 2. Everything the
 * worker prints is also kept in the evaluation folder's console.log.
 *
 * Unlike training workers, a scoring worker is our child: it is short, its results only count once
 * stored, and an evaluation left running by a studio that died is marked failed on the next open.
 */
import type { Problem } from '../errors';
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import path from 'node:path';
import { workerEnvironment } from '../environment/python-interpreter';
import { CONSOLE_FILE } from './evaluation-data';
import { ScoringFailure, type RunningScoring, type ScoringEngineRunner, type ScoringJob, type ScoringReport } from './scoring-engine';

export interface PythonScoringOptions {
  /** The interpreter, asked at each start (settings can change). */
  python: () => string;
  /** Extra environment (tests). */
  env?: Record<string, string>;
  /** SIGTERM → SIGKILL delay when cancelling. */
  cancelGraceMs?: number;
  batchSize?: number;
}

const SETUP_HINT = 'Check the training environment (Environment → Set up training environment, or npm run setup:worker).';

export class PythonScoring implements ScoringEngineRunner {
  constructor(private readonly options: PythonScoringOptions) {}

  command(job: ScoringJob): string[] {
    const args = ['-m', 'reward_studio', 'score', '--model_path', job.checkpointPath, '--data_path', job.dataFile,
      // --exact-output: the evaluation folder owns results.jsonl (a shell run gets <name>_<model>_<time>.jsonl).
      '--output_path', job.resultsFile, '--exact-output', '--json-progress'];
    const maxLength = job.runConfig.max_length;
    if (typeof maxLength === 'number' && Number.isInteger(maxLength) && maxLength > 0) args.push('--max_length', String(maxLength));
    if (this.options.batchSize !== undefined) args.push('--batch_size', String(this.options.batchSize));
    return [this.options.python(), ...args];
  }

  start(job: ScoringJob, onProgress: (done: number, total: number) => void): Promise<RunningScoring> {
    const command = this.command(job);
    const python = command[0] as string;
    const log = createWriteStream(path.join(job.dir, CONSOLE_FILE), { flags: 'a' });
    log.write(`# ${new Date().toISOString()} studio: ${command.join(' ')}\n`);
    const report: ScoringReport = { truncatedResponses: 0, droppedItems: 0 };
    let errorEvent: Problem | null = null;
    const stderrTail: string[] = [];
    let cancelled = false;
    let killTimer: NodeJS.Timeout | null = null;

    const child = spawn(python, command.slice(1), { cwd: job.dir, env: workerEnvironment(this.options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    const onStdout = (line: string) => {
      const event = parseJson(line);
      if (event?.type === 'start') {
        const data = (event.data_report ?? {}) as Record<string, unknown>;
        report.truncatedResponses = numberOr(data.truncated_responses, 0);
        report.droppedItems = numberOr(data.dropped_items, 0);
      } else if (event?.type === 'progress') {
        onProgress(numberOr(event.done, 0), numberOr(event.total, job.total));
      }
    };
    const onStderr = (line: string) => {
      const event = parseJson(line);
      if (event?.event === 'error' && typeof event.message === 'string') {
        errorEvent = typeof event.hint === 'string' && event.hint !== '' ? { message: event.message, hint: event.hint } : { message: event.message };
      } else if (line.trim() !== '') {
        stderrTail.push(line);
        if (stderrTail.length > 8) stderrTail.shift();
      }
    };
    pipeLines(child.stdout, (line) => { log.write(`${line}\n`); onStdout(line); });
    pipeLines(child.stderr, (line) => { log.write(`${line}\n`); onStderr(line); });

    const finished = new Promise<ScoringReport>((resolve, reject) => {
      child.once('error', (error: NodeJS.ErrnoException) => {
        reject(new ScoringFailure(`could not start the scoring worker with ${python}: ${error.message}`, SETUP_HINT));
      });
      child.once('close', (code, signal) => {
        if (killTimer) clearTimeout(killTimer);
        log.end();
        if (cancelled) reject(new ScoringFailure('cancelled', undefined, true));
        else if (code === 0 && existsSync(job.resultsFile)) resolve(report);
        else if (errorEvent) reject(new ScoringFailure(errorEvent.message, errorEvent.hint));
        else {
          const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
          const tail = stderrTail.join('\n').trim();
          reject(new ScoringFailure(`the scoring worker ${how}${tail ? `: ${tail}` : ''}`, `See ${path.join(job.dir, CONSOLE_FILE)}.`));
        }
      });
    });
    // Swallowed here so an unawaited rejection never crashes the process; callers await `finished`.
    finished.catch(() => undefined);

    return new Promise((resolve, reject) => {
      child.once('spawn', () =>
        resolve({
          pid: child.pid ?? null,
          finished,
          cancel: () => {
            if (cancelled || child.exitCode !== null || child.signalCode !== null) return;
            cancelled = true;
            child.kill('SIGTERM');
            killTimer = setTimeout(() => child.kill('SIGKILL'), this.options.cancelGraceMs ?? 5000);
            killTimer.unref();
          },
        }),
      );
      child.once('error', (error) => reject(new ScoringFailure(`could not start the scoring worker with ${python}: ${error.message}`, SETUP_HINT)));
    });
  }
}

function pipeLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (text: string) => {
    partial += text;
    const lines = partial.split(/\r?\n/);
    partial = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  stream.on('end', () => {
    if (partial !== '') onLine(partial);
    partial = '';
  });
}

function parseJson(line: string): Record<string, unknown> | null {
  if (!line.startsWith('{')) return null;
  try {
    const value = JSON.parse(line) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
