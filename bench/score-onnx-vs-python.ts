/**
 * Scoring throughput: in-app ONNX (onnxruntime-node, CPU) vs the Python worker's `score` (PyTorch, CPU),
 * in preference pairs per second over the sample project's items, for the tiny VL model and a small
 * text model (`tiny-model --text-only --hidden 256 --layers 4 --heads 4`: ~3M parameters).
 *
 *   npm run bench:score -- [--items 60] [--threads N] [--keep]
 *
 * Both engines run on the CPU with all cores unless --threads is given (onnxruntime intra-op threads;
 * torch uses its default). Model loading is excluded from both: the Python time runs from the worker's
 * `start` progress event (printed once the model is loaded) to its summary; the ONNX time is a
 * warm `score()` over every item after one warm-up item. The worker scores in batches of 8 with its
 * shared-prefix path (its default); ONNX runs one item per call, prompt repeated per response row.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { OnnxRewardScorer } from '../app/onnx/onnx-reward-scorer';
import { generateSampleData } from '../app/sample/generate-sample-data';
import type { ScoreItem } from '../app/scoring/reward-scorer';
import { venvPython, WORKERS_DIR } from '../app/environment/python-interpreter';
import { preferencePairs } from '../app/runs/snapshot-items';

interface SeedLine {
  id: string;
  query: string;
  image?: string;
  response: string[];
  human_ranking: number[];
}

interface Row {
  model: string;
  engine: 'onnx' | 'python';
  items: number;
  pairs: number;
  seconds: number;
  pairsPerSecond: number;
}

const PYTHON = venvPython();

function worker(args: string[]): string {
  const result = spawnSync(PYTHON, ['-m', 'reward_studio', ...args], { cwd: WORKERS_DIR, encoding: 'utf8', timeout: 900_000 });
  if (result.status !== 0) throw new Error(`worker ${args[0]} failed (${result.status}): ${result.stderr.slice(-2000)}`);
  return result.stdout;
}

function readLines(file: string): SeedLine[] {
  return readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as SeedLine);
}

function writeLines(file: string, lines: SeedLine[]): void {
  writeFileSync(file, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
}

/** A briefly trained checkpoint (export-onnx needs a reward checkpoint; speed does not depend on training). */
function checkpoint(dir: string, model: string, train: string): string {
  const runDir = path.join(dir, `run-${path.basename(model)}`);
  mkdirSync(runDir, { recursive: true });
  const config = { base_model_name: model, train_data_path: train, batch_size: 8, num_epochs: 1, early_stopping_patience: 0, save_total_limit: 1 };
  writeFileSync(path.join(runDir, 'config.json'), JSON.stringify(config, null, 2));
  worker(['train', '--run-dir', runDir]);
  const steps = readdirSync(path.join(runDir, 'checkpoints')).sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  return path.join(runDir, 'checkpoints', steps[steps.length - 1] as string);
}

/** Seconds the worker spends scoring after its model is loaded (start event -> summary line). */
async function pythonSeconds(ckpt: string, data: string, out: string): Promise<number> {
  const child = spawn(PYTHON, ['-m', 'reward_studio', 'score', '--model_path', ckpt, '--data_path', data, '--output_path', out, '--exact-output', '--json-progress'], { cwd: WORKERS_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  let started = 0;
  let ended = 0;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()).slice(-4000));
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.includes('"type": "start"')) started = performance.now();
    else if (line.includes('"accuracy"')) ended = performance.now();
  }
  const code: number = await new Promise((resolve) => child.on('close', resolve));
  if (code !== 0 || !started || !ended) throw new Error(`score failed (${code}): ${stderr.slice(-2000)}`);
  return (ended - started) / 1000;
}

async function onnxSeconds(exportDir: string, items: ScoreItem[], threads: number): Promise<number> {
  const scorer = await OnnxRewardScorer.load(exportDir, { threads });
  try {
    await scorer.score(items.slice(0, 1));
    const start = performance.now();
    await scorer.score(items);
    return (performance.now() - start) / 1000;
  } finally {
    await scorer.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { items: { type: 'string', default: '60' }, threads: { type: 'string' }, keep: { type: 'boolean', default: false } } });
  const threads = values.threads ? Number(values.threads) : cpus().length;
  const dir = await mkdtemp(path.join(tmpdir(), 'rs-bench-score-'));
  try {
    const sample = await generateSampleData(path.join(dir, 'sample'), { items: Number(values.items), seed: 11, valRatio: 0.25 });
    const all = readLines(sample.allFile).map((line) => ({ ...line, image: line.image ? path.join(path.dirname(sample.allFile), line.image) : undefined }));
    const visionFile = path.join(dir, 'vision.jsonl');
    const textFile = path.join(dir, 'text.jsonl');
    writeLines(visionFile, all);
    writeLines(textFile, all.map(({ image: _image, ...rest }) => rest));
    const pairs = all.reduce((sum, line) => sum + preferencePairs(line.human_ranking), 0);
    const trainItems = all.slice(0, 16);
    writeLines(path.join(dir, 'train-vision.jsonl'), trainItems);
    writeLines(path.join(dir, 'train-text.jsonl'), trainItems.map(({ image: _image, ...rest }) => rest));

    const models = [
      { name: 'tiny VL (qwen2_vl, hidden 64, 2 layers)', folder: 'tiny-vl', flags: [] as string[], data: visionFile, train: 'train-vision.jsonl', vision: true },
      { name: 'small text (qwen2, hidden 256, 4 layers)', folder: 'small-text', flags: ['--text-only', '--hidden', '256', '--layers', '4', '--heads', '4'], data: textFile, train: 'train-text.jsonl', vision: false },
    ];
    const rows: Row[] = [];
    for (const m of models) {
      const model = path.join(dir, m.folder);
      worker(['tiny-model', model, ...m.flags]);
      const ckpt = checkpoint(dir, model, path.join(dir, m.train));
      const exportDir = path.join(dir, `${m.folder}-onnx`);
      worker(['export-onnx', '--checkpoint', ckpt, '--out', exportDir]);
      const items: ScoreItem[] = all.map((line) => ({ query: line.query, responses: line.response, image: m.vision && line.image ? readFileSync(line.image) : null }));
      const py = await pythonSeconds(ckpt, m.data, path.join(dir, `${m.folder}-scores.jsonl`));
      const ox = await onnxSeconds(exportDir, items, threads);
      rows.push({ model: m.name, engine: 'python', items: items.length, pairs, seconds: py, pairsPerSecond: pairs / py });
      rows.push({ model: m.name, engine: 'onnx', items: items.length, pairs, seconds: ox, pairsPerSecond: pairs / ox });
    }
    console.log(`\nScoring throughput on CPU (${cpus().length} cores, onnxruntime threads ${threads}), model load excluded\n`);
    console.log(`${'model'.padEnd(42)} ${'engine'.padEnd(8)} ${'items'.padStart(6)} ${'pairs'.padStart(6)} ${'seconds'.padStart(9)} ${'pairs/s'.padStart(9)}`);
    for (const r of rows) {
      console.log(`${r.model.padEnd(42)} ${r.engine.padEnd(8)} ${String(r.items).padStart(6)} ${String(r.pairs).padStart(6)} ${r.seconds.toFixed(2).padStart(9)} ${r.pairsPerSecond.toFixed(1).padStart(9)}`);
    }
    console.log(JSON.stringify({ bench: 'score-onnx-vs-python', threads, rows }));
  } finally {
    if (values.keep) console.log(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

await main();
