/**
 * A real reward checkpoint without training: the tiny model with a fresh score head, saved once by
 * the worker's own save_weights, so every later load scores the same (a fresh head on a bare base
 * model would be re-initialised on every load).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { WORKERS_DIR } from '../../app/environment/python-interpreter';
import { makeTinyModel, PYTHON } from '../runs/training-fixtures';

const SAVE_CHECKPOINT = `
import sys
from pathlib import Path
from reward_studio.checkpointing import save_weights
from reward_studio.model import load_processor, load_reward_model
base, out, vl = sys.argv[1], sys.argv[2], sys.argv[3] == "vl"
model, _ = load_reward_model(base)
save_weights(model, Path(out), load_processor(base, vl), base)
`;

/** `<dir>/tiny` (the tiny Qwen2-VL, or text-only Qwen2) and `<dir>/checkpoint` (it with a saved head). */
export function makeTinyCheckpoint(dir: string, options: { textOnly?: boolean } = {}): string {
  const base = path.join(dir, 'tiny');
  if (options.textOnly) {
    const made = spawnSync(PYTHON, ['-m', 'reward_studio', 'tiny-model', base, '--text-only'], { cwd: WORKERS_DIR, encoding: 'utf8', timeout: 300_000 });
    if (made.status !== 0) throw new Error(`tiny-model failed (${made.status}): ${made.stderr}`);
  } else {
    makeTinyModel(base);
  }
  const out = path.join(dir, 'checkpoint');
  const saved = spawnSync(PYTHON, ['-c', SAVE_CHECKPOINT, base, out, options.textOnly ? 'text' : 'vl'], { cwd: WORKERS_DIR, encoding: 'utf8', timeout: 300_000 });
  if (saved.status !== 0) throw new Error(`saving the tiny checkpoint failed (${saved.status}): ${saved.stderr}`);
  return out;
}
