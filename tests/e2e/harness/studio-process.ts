/**
 * Runs the real `reward-studio` CLI as a child process: `serve` for the browser to talk to, and
 * one-shot commands (sample-project) to prepare folders. REWARD_STUDIO_HOME points at a temp
 * folder so settings and recent projects never touch the person's own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './renderer-build';

const CLI = join(REPO_ROOT, 'bin', 'reward-studio.mjs');
/** `Reward Studio is serving at http://127.0.0.1:PORT/?token=TOKEN` */
const URL_LINE = /Reward Studio is serving at (http:\/\/\S+)/;
const START_TIMEOUT_MS = 60_000;

export interface ServeOptions {
  home: string;
  project?: string;
  extraArgs?: string[];
}

export interface RunningStudio {
  /** The printed URL, token included. */
  url: string;
  origin: string;
  /** Everything the process printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
  /** SIGKILL: the server dies mid-whatever, as in a crash or a pulled plug (no clean close). */
  kill(): Promise<void>;
}

function studioEnv(home: string): NodeJS.ProcessEnv {
  return { ...process.env, REWARD_STUDIO_HOME: home, NO_COLOR: '1', BROWSER: 'none' };
}

export async function startServe(options: ServeOptions): Promise<RunningStudio> {
  const args = [CLI, 'serve', '--port', '0', '--no-open', ...(options.project ? ['--project', options.project] : []), ...(options.extraArgs ?? [])];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: studioEnv(options.home), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (output += chunk));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`reward-studio serve printed no URL within ${START_TIMEOUT_MS / 1000} s. Output:\n${output}`));
    }, START_TIMEOUT_MS);
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      const match = URL_LINE.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`reward-studio serve exited (${code ?? signal}) before printing its URL. Output:\n${output}`));
    });
  });

  return {
    url,
    origin: new URL(url).origin,
    output: () => output,
    stop: () => stopChild(child),
    kill: () => killChild(child),
  };
}

/** SIGTERM (serve closes the project cleanly), SIGKILL if it does not exit in 5 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

/** A one-shot CLI command; resolves with its output, rejects with it on a non-zero exit. */
export async function runCli(home: string, args: string[], timeoutMs = 120_000): Promise<string> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: studioEnv(home), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`reward-studio ${args.join(' ')} exited with ${code}:\n${output}`);
  return output;
}
