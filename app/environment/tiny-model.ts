/**
 * The tiny random Qwen2-VL for the demo preset and first use: made once with the worker's
 * `tiny-model` command into the settings folder (shared by every project), then reused.
 */
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../errors';
import { settingsDir } from '../store/recent-projects';
import { checkModelFolder, TINY_MODEL_MARKER } from './model-check';
import { runCommand, stderrTail } from './python-command';
import { WORKERS_DIR } from './python-interpreter';
import type { ModelCheck } from '../runs/types';

/** What a preset writes for "the studio's tiny model". */
export const TINY_MODEL_ALIAS = '@tiny';

export function defaultTinyModelDir(): string {
  return path.join(settingsDir(), 'models', 'tiny-qwen2-vl');
}

const making = new Map<string, Promise<ModelCheck>>();

export function ensureTinyModel(python: string, dir: string = defaultTinyModelDir()): Promise<ModelCheck> {
  if (existsSync(path.join(dir, TINY_MODEL_MARKER))) return Promise.resolve(checkModelFolder(dir));
  let pending = making.get(dir);
  if (!pending) {
    pending = makeTinyModel(python, dir).finally(() => making.delete(dir));
    making.set(dir, pending);
  }
  return pending;
}

async function makeTinyModel(python: string, dir: string): Promise<ModelCheck> {
  // Built beside its final place and renamed, so a crash never leaves half a model that looks made.
  const temp = `${dir}.${process.pid}.tmp`;
  await rm(temp, { recursive: true, force: true });
  const result = await runCommand(python, ['-m', 'reward_studio', 'tiny-model', temp], { timeoutMs: 300_000, cwd: WORKERS_DIR });
  if (result.spawnError || result.code !== 0) {
    await rm(temp, { recursive: true, force: true });
    const why = result.spawnError ? String(result.spawnError.code ?? result.spawnError.message) : result.timedOut ? 'timed out after 5 minutes' : stderrTail(result);
    throw new StudioError(
      'not_found',
      `could not make the tiny test model with ${python}: ${why}`,
      'Set up the training environment first (Set up training environment, or npm run setup:worker).',
    );
  }
  await rm(dir, { recursive: true, force: true });
  await rename(temp, dir);
  return checkModelFolder(dir);
}
