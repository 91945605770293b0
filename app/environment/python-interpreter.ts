/**
 * Which Python the studio runs the worker with: the one chosen in settings, else the repository's
 * `.venv` (what `npm run setup:worker` and "Set up training environment" create).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readUserSettings } from '../store/user-settings';

/** The repository root (app/environment/../..; also right for the bundled main at dist/main/). */
export const REPO_ROOT: string = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const VENV_DIR: string = path.join(REPO_ROOT, '.venv');
export const WORKERS_DIR: string = path.join(REPO_ROOT, 'workers');

export function venvPython(venvDir: string = VENV_DIR): string {
  return process.platform === 'win32' ? path.join(venvDir, 'Scripts', 'python.exe') : path.join(venvDir, 'bin', 'python');
}

export function hasVenv(venvDir: string = VENV_DIR): boolean {
  return existsSync(venvPython(venvDir));
}

/** The interpreter for training, re-read on every use so a change in settings applies to the next run. */
export function trainingPython(): string {
  return readUserSettings().pythonPath ?? venvPython();
}

/** Environment every worker process gets: unbuffered output (live logs), never a download. */
export function workerEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONUNBUFFERED: '1', HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1', ...extra };
}
