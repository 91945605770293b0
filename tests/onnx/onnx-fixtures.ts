/**
 * Shared pieces of the ONNX tests: the real worker CLI, the sample project's data frozen to seed JSONL
 * the way a run snapshots it, a briefly trained tiny model, and its ONNX export.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ScoreItem } from '../../app/scoring/reward-scorer';
import { createRunDirectory, writeRunConfig, writeSnapshot } from '../../app/runs/run-directory';
import { WORKERS_DIR } from '../../app/environment/python-interpreter';
import { makeLabeledProject, PYTHON } from '../runs/training-fixtures';

export { PYTHON };

/** Runs `python -m reward_studio ...` and returns stdout; throws with stderr when it fails. */
export function worker(args: string[], timeoutMs = 300_000): string {
  const result = spawnSync(PYTHON, ['-m', 'reward_studio', ...args], { cwd: WORKERS_DIR, encoding: 'utf8', timeout: timeoutMs });
  if (result.status !== 0) throw new Error(`worker ${args[0]} failed (${result.status}): ${result.stderr.slice(-3000)}`);
  return result.stdout;
}

/** Runs a Python snippet in the worker's environment with `input` as JSON on stdin; parses the last stdout line. */
export function python<T>(code: string, input: unknown): T {
  const result = spawnSync(PYTHON, ['-c', code], { cwd: WORKERS_DIR, encoding: 'utf8', input: JSON.stringify(input), timeout: 300_000, maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`python failed (${result.status}): ${result.stderr.slice(-3000)}`);
  return JSON.parse(result.stdout.trim().split('\n').pop() as string) as T;
}

export interface SeedLine {
  id: string;
  query: string;
  image?: string;
  response: string[];
  human_ranking: number[];
}

export function readSeedLines(file: string): SeedLine[] {
  return readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as SeedLine);
}

export function scoreItems(lines: SeedLine[]): ScoreItem[] {
  return lines.map((line) => ({ query: line.query, responses: line.response, image: line.image ? readFileSync(line.image) : null }));
}

/** The sample project (images of coloured shapes), snapshotted to data/train.jsonl + data/val.jsonl of a run folder. */
export async function sampleRun(dir: string, items: number, textOnly: boolean): Promise<string> {
  const store = await makeLabeledProject(dir, items);
  try {
    const runDir = await createRunDirectory(path.join(dir, 'project'), textOnly ? 'onnx-text' : 'onnx-vl');
    await writeSnapshot(store, runDir, { train: ['train'], val: ['val'] });
    if (textOnly) {
      // A text model gets the same prompts and answers without the images.
      for (const split of ['train', 'val']) {
        const file = path.join(runDir, 'data', `${split}.jsonl`);
        const lines = readSeedLines(file).map(({ image: _image, ...rest }) => rest);
        writeFileSync(file, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
      }
    }
    return runDir;
  } finally {
    store.close();
  }
}

/** Trains `model` briefly on the run's data with the real worker; returns the run's last checkpoint. */
export async function trainBriefly(runDir: string, model: string, extra: Record<string, unknown> = {}): Promise<string> {
  await writeRunConfig(runDir, {
    base_model_name: model,
    train_data_path: path.join(runDir, 'data', 'train.jsonl'),
    val_data_path: path.join(runDir, 'data', 'val.jsonl'),
    batch_size: 4,
    num_epochs: 1,
    learning_rate: 3e-3,
    max_length: 512,
    early_stopping_patience: 0,
    save_total_limit: 1,
    ...extra,
  });
  worker(['train', '--run-dir', runDir]);
  if (existsSync(path.join(runDir, 'best', 'reward_config.json'))) return path.join(runDir, 'best');
  const steps = readdirSync(path.join(runDir, 'checkpoints')).sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  return path.join(runDir, 'checkpoints', steps[steps.length - 1] as string);
}

export interface OnnxExportResult {
  output: string;
  verify_max_abs_diff: number;
  note: string;
}

export function exportOnnx(checkpoint: string, out: string): OnnxExportResult {
  const stdout = worker(['export-onnx', '--checkpoint', checkpoint, '--out', out]);
  return JSON.parse(stdout.trim().split('\n').pop() as string) as OnnxExportResult;
}

/** `python -m reward_studio score` on a seed JSONL: one score array per item, in file order. */
export function pythonScores(checkpoint: string, data: string, out: string): number[][] {
  worker(['score', '--model_path', checkpoint, '--data_path', data, '--output_path', out, '--exact-output']);
  return readFileSync(out, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { scores: number[] }).scores);
}
