/**
 * What happens before a worker starts: the frozen snapshot (seed JSONL, absolute image paths,
 * only labeled items of the chosen splits), config validation against the real describe-config,
 * presets that validate, the step estimate counted like the worker, the queue, model checks.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../app/errors';
import type { ProjectStore } from '../../app/store/project-store';
import { checkModelFolder } from '../../app/environment/model-check';
import { readPresets } from '../../app/runs/presets';
import { createRunDirectory, runFolderName, writeSnapshot } from '../../app/runs/run-directory';
import { estimateRun, planSteps } from '../../app/runs/run-estimate';
import { runsToStart } from '../../app/runs/run-queue';
import { RunManager } from '../../app/runs/run-manager';
import { preferencePairs } from '../../app/runs/snapshot-items';
import { checkTrainingEnvironment } from '../../app/environment/training-environment';
import type { TrainConfigField } from '../../app/runs/types';
import { describeConfig, validateConfig } from '../../app/runs/worker-config-schema';
import { readJsonl, tempDir, writeJsonl } from '../fixtures/temp-dirs';
import { importDataset } from '../../app/dataset/import-dataset';
import { generateSampleData } from '../../app/sample/generate-sample-data';
import { ProjectStore as Store } from '../../app/store/project-store';
import { fileTempDir, newBus, PYTHON } from './training-fixtures';

const temp = fileTempDir('rs-train-setup-');
let store: ProjectStore;
let fields: TrainConfigField[];

beforeAll(async () => {
  // 12 sample items; labels removed from some and all-tied on one, to see what the snapshot keeps.
  const data = await generateSampleData(path.join(temp.dir, 'data'), { items: 12, seed: 3, valRatio: 0.25 });
  store = Store.create(path.join(temp.dir, 'project'), { name: 'Setup test' });
  const rows = readJsonl(data.trainFile);
  rows.forEach((row, index) => {
    if (index % 3 === 0) delete row.human_ranking;
  });
  (rows[1] as { human_ranking: number[]; response: string[] }).human_ranking = (rows[1] as { response: string[] }).response.map(() => 0);
  const trainFile = path.join(temp.dir, 'train-edited.jsonl');
  writeJsonl(trainFile, rows.map((row) => ({ ...row, image: path.join(path.dirname(data.trainFile), row.image as string) })));
  await importDataset(store, trainFile, { split: 'train' });
  await importDataset(store, data.valFile, { split: 'val' });
  fields = await describeConfig(PYTHON);
}, 120_000);

afterAll(() => {
  store?.close();
  temp.remove();
});

describe('frozen snapshot', () => {
  it('writes only labeled, non-tied items of the chosen splits as seed JSONL with absolute image paths', async () => {
    const dir = await createRunDirectory(store.dir, 'snap', new Date(2026, 10, 22, 9, 5, 7));
    expect(path.basename(dir)).toBe('snap_20261122-090507');
    expect(path.dirname(dir)).toBe(path.join(store.dir, 'runs'));
    const report = await writeSnapshot(store, dir, { train: ['train'], val: ['val'] });
    const train = readJsonl(path.join(dir, 'data/train.jsonl'));
    const val = readJsonl(path.join(dir, 'data/val.jsonl'));
    const trainTotal = store.summary().bySplit.train.items;
    expect(report.train.skippedUnlabeled).toBeGreaterThan(0);
    expect(report.train.skippedAllTied).toBe(1);
    expect(train.length).toBe(trainTotal - report.train.skippedUnlabeled - 1);
    expect(val.length).toBe(store.summary().bySplit.val.labeled);
    for (const line of [...train, ...val]) {
      expect(Object.keys(line)).toEqual(['id', 'query', 'image', 'response', 'human_ranking']);
      expect(path.isAbsolute(line.image as string)).toBe(true);
      expect(existsSync(line.image as string)).toBe(true);
      expect((line.image as string).startsWith(path.join(store.dir, 'media'))).toBe(true);
      expect(preferencePairs(line.human_ranking as number[])).toBeGreaterThan(0);
    }
    expect(new Set(train.map((line) => line.id)).size).toBe(train.length);
    expect(report.train.pairs).toBe(train.reduce((sum, line) => sum + preferencePairs(line.human_ranking as number[]), 0));
  });

  it('leaves val out when no val split is chosen and refuses a split used for both', async () => {
    const dir = await createRunDirectory(store.dir, 'noval');
    const report = await writeSnapshot(store, dir, { train: ['train', 'val'], val: [] });
    expect(report.valFile).toBeNull();
    expect(existsSync(path.join(dir, 'data/val.jsonl'))).toBe(false);
    expect(readJsonl(path.join(dir, 'data/train.jsonl')).length).toBe(report.train.items);
    await expect(writeSnapshot(store, dir, { train: ['train'], val: ['train'] })).rejects.toThrow(/both training and validation/);
    await expect(writeSnapshot(store, dir, { train: ['test'], val: [] })).rejects.toThrow(/no labeled items/);
  });

  it('runs.start with a bad config makes no run folder and no row', async () => {
    const manager = new RunManager({ store, events: newBus(), python: () => PYTHON });
    const before = store.db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number };
    const error = await manager
      .start({ name: 'bad', config: { batch_size: 'eight', nonsense: 1, base_model_name: '/no/such/model' }, splits: { train: ['train'], val: [] }, gpus: [] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).message).toContain('unknown option "nonsense"');
    expect((error as StudioError).message).toContain('batch_size: must be a whole number');
    const missingModel = await manager.start({ name: 'bad2', config: { base_model_name: '/no/such/model' }, splits: { train: ['train'], val: [] }, gpus: [] }).catch((caught: unknown) => caught);
    expect((missingModel as StudioError).message).toMatch(/\/no\/such\/model is not a folder/);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM runs').get()).toEqual(before);
    expect(existsSync(path.join(store.dir, 'runs')) ? readdir(path.join(store.dir, 'runs')).filter((name) => name.startsWith('bad')) : []).toEqual([]);
    manager.detach();
  });
});

function readdir(dir: string): string[] {
  return readdirSync(dir);
}

describe('config validation against describe-config', () => {
  it('fills defaults, keeps secrets out of config.json, and reports every problem at once', () => {
    const { config, secrets } = validateConfig(fields, { batch_size: 4, use_lora: true, wandb_api_key: 'k-123' });
    expect(config.batch_size).toBe(4);
    expect(config.learning_rate).toBe(1e-5);
    expect(config).not.toHaveProperty('wandb_api_key');
    expect(secrets).toEqual({ wandb_api_key: 'k-123' });
    let message = '';
    try {
      validateConfig(fields, { batch_size: 2.5, dtype: 'fp8', use_lora: 'yes', learning_rate: Number.NaN, lora_r: -1, colour: 'red' });
    } catch (error) {
      message = (error as StudioError).message;
    }
    expect(message).toContain('6 problems');
    expect(message).toContain('batch_size: must be a whole number, got 2.5');
    expect(message).toContain('dtype: must be one of auto, bf16, fp32');
    expect(message).toContain('use_lora: must be true or false');
    expect(message).toContain('learning_rate: must be a number');
    expect(message).toContain('lora_r: must not be negative');
    expect(message).toContain('unknown option "colour"');
  });

  it("refuses quantised loading without LoRA, as the worker's `requires` says", () => {
    expect(fields.find((f) => f.name === 'load_in_8bit')?.requires).toBe('use_lora');
    expect(() => validateConfig(fields, { load_in_8bit: true })).toThrow('load_in_8bit needs use_lora');
    expect(() => validateConfig(fields, { load_in_4bit: true })).toThrow('load_in_4bit needs use_lora');
    expect(validateConfig(fields, { load_in_4bit: true, use_lora: true }).config.load_in_4bit).toBe(true);
  });

  it('every shipped preset validates against the worker', () => {
    const presets = readPresets();
    expect(presets.map((preset) => preset.id)).toEqual(['tiny-cpu-demo', 'qwen2-vl-2b-lora-24gb', 'qwen2-vl-2b-full-80gb']);
    for (const preset of presets) {
      expect(() => validateConfig(fields, preset.config), preset.id).not.toThrow();
      expect(preset.label).not.toBe('');
      expect(preset.hardware).not.toBe('');
    }
    expect(presets[0]?.config.base_model_name).toBe('@tiny');
  });
});

describe('step estimate', () => {
  it('counts like the worker: items split over ranks, batched, accumulated, capped by max_steps', () => {
    const plan = (items: number, options: Record<string, number>, world: number) =>
      planSteps(items, { gradient_accumulation_steps: 1, max_steps: 0, ...options }, world);
    expect(plan(59, { batch_size: 4, num_epochs: 30 }, 1)).toEqual({ stepsPerEpoch: 15, totalSteps: 450 });
    expect(plan(59, { batch_size: 4, gradient_accumulation_steps: 2, num_epochs: 3 }, 2)).toEqual({ stepsPerEpoch: 4, totalSteps: 12 });
    expect(plan(100, { batch_size: 8, num_epochs: 10, max_steps: 7 }, 1)).toEqual({ stepsPerEpoch: 13, totalSteps: 7 });
    expect(plan(100, { batch_size: 8, num_epochs: 0, max_steps: 40 }, 1)).toEqual({ stepsPerEpoch: 13, totalSteps: 40 });
  });

  it('is the same formula as the worker: every row of the shared table (tests/fixtures/step-plan-cases.json)', () => {
    const cases = JSON.parse(readFileSync(path.join(import.meta.dirname, '../fixtures/step-plan-cases.json'), 'utf8')) as Array<Record<string, number>>;
    expect(cases.length).toBeGreaterThanOrEqual(10);
    for (const row of cases) {
      const { items, world_size: world, steps_per_epoch: stepsPerEpoch, total_steps: totalSteps, ...options } = row;
      expect(planSteps(items as number, options, world as number), JSON.stringify(row)).toEqual({ stepsPerEpoch, totalSteps });
    }
  });

  it('repeats no default: an option missing from the config is an error naming it, not a guess', () => {
    expect(() => planSteps(10, { batch_size: 2, num_epochs: 1, max_steps: 0 }, 1)).toThrow(/gradient_accumulation_steps/);
  });

  it('estimates from the project: trainable items, pairs without ties', async () => {
    const estimate = await estimateRun(store, { train: ['train'], val: ['val'] }, { batch_size: 2, num_epochs: 3, gradient_accumulation_steps: 1, max_steps: 0 }, []);
    const dir = await createRunDirectory(store.dir, 'estimate');
    const report = await writeSnapshot(store, dir, { train: ['train'], val: ['val'] });
    expect(estimate.trainItems).toBe(report.train.items);
    expect(estimate.valItems).toBe(report.val.items);
    expect(estimate.trainPairs).toBe(report.train.pairs);
    expect(estimate.trainAllTied).toBe(report.train.skippedAllTied);
    expect(estimate.stepsPerEpoch).toBe(Math.ceil(report.train.items / 2));
    expect(estimate.totalSteps).toBe(3 * estimate.stepsPerEpoch);
    expect(preferencePairs([0, 1, 1, 2])).toBe(5);
    expect(preferencePairs([0, 0])).toBe(0);
  });
});

describe('queue: one run at a time per GPU set', () => {
  it('starts what fits, in order, and a waiting run keeps its devices reserved', () => {
    expect(runsToStart([], [{ id: 1, gpus: [] }, { id: 2, gpus: [] }])).toEqual([1]);
    expect(runsToStart([{ id: 1, gpus: [] }], [{ id: 2, gpus: [0] }, { id: 3, gpus: [] }])).toEqual([2]);
    expect(runsToStart([{ id: 1, gpus: [0] }], [{ id: 2, gpus: [0, 1] }, { id: 3, gpus: [1] }, { id: 4, gpus: [2] }])).toEqual([4]);
    expect(runsToStart([], [{ id: 2, gpus: [1, 0] }, { id: 3, gpus: [0, 1] }])).toEqual([2]);
  });
});

describe('model folder check and the training environment', () => {
  it('reports the family, sizes and the tiny-model marker; explains what is wrong', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'm'));
    writeFileSync(path.join(dir, 'm', 'config.json'), JSON.stringify({ model_type: 'qwen2_vl', vision_config: {}, text_config: { hidden_size: 1536, num_hidden_layers: 28 } }));
    writeFileSync(path.join(dir, 'm', 'model.safetensors'), '');
    writeFileSync(path.join(dir, 'm', 'tokenizer.json'), '{}');
    expect(checkModelFolder(path.join(dir, 'm'))).toEqual({
      path: path.join(dir, 'm'), ok: true, modelType: 'qwen2_vl', vision: true, hiddenSize: 1536, layers: 28, isTinyTestModel: false, problems: [],
    });
    writeFileSync(path.join(dir, 'm', 'config.json'), JSON.stringify({ model_type: 'llama', hidden_size: 4096 }));
    const llama = checkModelFolder(path.join(dir, 'm'));
    expect(llama.ok).toBe(false);
    expect(llama.problems[0]).toMatch(/model_type "llama" is not supported/);
    expect(checkModelFolder(path.join(dir, 'missing')).problems[0]).toMatch(/is not a folder/);
  });

  it('probes the real interpreter; a missing one says how to set it up', async () => {
    const environment = await checkTrainingEnvironment(PYTHON, true);
    expect(environment.python?.version).toMatch(/^3\.\d+/);
    expect(environment.packages.torch).not.toBeNull();
    expect(environment.packages.reward_studio).not.toBeNull();
    expect(environment.problems).toEqual([]);
    expect(typeof environment.cudaAvailable).toBe('boolean');
    const missing = await checkTrainingEnvironment('/no/such/python', true);
    expect(missing.python).toBeNull();
    expect(missing.problems[0]).toMatch(/training environment is missing.*Set up training environment.*npm run setup:worker/);
  }, 120_000);

  it('names run folders <name>_<YYYYmmdd-HHMMSS>', () => {
    expect(runFolderName('exp', new Date(2026, 0, 2, 3, 4, 5))).toBe('exp_20260102-030405');
  });
});
