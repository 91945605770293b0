/**
 * The score playground, the Serve button and model exports through the real router and handler
 * table, on a tiny LoRA run trained by the real worker: playground scores equal the worker's
 * `score` command, a merged export reloads with the same scores, an ONNX export scores the same in
 * onnxruntime-node, and the HTTP API serves a project checkpoint.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandInput, CommandName, CommandResult } from '../../app/contract';
import type { ModelRef } from '../../app/scoring/types';
import { createRouter, type Router } from '../../app/rpc/router';
import { createHandlers } from '../../app/studio/create-handlers';
import { Studio } from '../../app/studio/studio';
import { WORKERS_DIR } from '../../app/environment/python-interpreter';
import type { CheckpointInfo } from '../../app/runs/types';
import { fileTempDir, makeLabeledProject, makeTinyModel, PYTHON, recordEvents, TINY_CONFIG } from '../runs/training-fixtures';
import { routerCalls } from '../fixtures/router-calls';

const temp = fileTempDir('rs-scoring-');
const savedHome = process.env.REWARD_STUDIO_HOME;
let studio: Studio;
let router: Router;
let projectDir: string;
let checkpoint: CheckpointInfo;
/** One validation item of the sample data (seed format, image path relative to its file). */
let item: { query: string; response: string[]; image: string; human_ranking: number[] };
let itemFile: string;
let imageBase64: string;

const { call } = routerCalls(() => router);

async function refused<K extends CommandName>(name: K, input: CommandInput<K>): Promise<{ code: string; message: string }> {
  const envelope = await router.invoke(name, input);
  if (envelope.ok) throw new Error(`${name} succeeded but should have failed`);
  return envelope.error;
}

function playground(model: ModelRef) {
  return call('scoring.score', { model, query: item.query, responses: item.response, image: `data:image/png;base64,${imageBase64}` });
}

/** What the worker's own `score` command gives for the item (the reference every engine must match). */
function workerScores(modelPath: string): number[] {
  const out = path.join(temp.dir, `scored-${Date.now()}.jsonl`);
  const result = spawnSync(PYTHON, ['-m', 'reward_studio', 'score', '--model_path', modelPath, '--data_path', itemFile, '--output_path', out, '--exact-output'], { cwd: WORKERS_DIR, encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0) throw new Error(`score failed: ${result.stderr}`);
  return (JSON.parse(readFileSync(out, 'utf8').trim().split('\n')[0] as string) as { scores: number[] }).scores;
}

/** A port free right now (the contract wants a real port number, not 0). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  process.env.REWARD_STUDIO_HOME = path.join(temp.dir, 'home');
  const tinyDir = makeTinyModel(path.join(temp.dir, 'tiny'));
  const store = await makeLabeledProject(temp.dir, 16);
  projectDir = store.dir;
  store.close();
  const valFile = path.join(temp.dir, 'data', 'val.jsonl');
  const first = JSON.parse(readFileSync(valFile, 'utf8').split('\n')[0] as string) as typeof item;
  item = { ...first, image: path.resolve(path.dirname(valFile), first.image) };
  itemFile = path.join(temp.dir, 'one-item.jsonl');
  writeFileSync(itemFile, `${JSON.stringify(item)}\n`);
  imageBase64 = readFileSync(item.image).toString('base64');

  studio = new Studio({ kind: 'browser' }, { python: () => PYTHON, tinyModelDir: tinyDir });
  router = createRouter(createHandlers(studio));
  studio.openProject(projectDir);
  const config = { ...TINY_CONFIG, num_epochs: 1, use_lora: true, lora_r: 4, lora_alpha: 8 };
  const run = await call('runs.start', { name: 'lora-run', config, splits: { train: ['train'], val: ['val'] }, gpus: [] });
  const deadline = Date.now() + 400_000;
  for (;;) {
    const summary = await call('runs.get', { id: run.id });
    if (summary.status === 'finished') break;
    if (['failed', 'stopped'].includes(summary.status) || Date.now() > deadline) throw new Error(`training did not finish: ${JSON.stringify(summary)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const checkpoints = await call('checkpoints.list', { runId: run.id });
  checkpoint = checkpoints[checkpoints.length - 1] as CheckpointInfo;
}, 600_000);

afterAll(async () => {
  if (studio?.projectDir) await studio.scoring().close();
  studio?.close();
  if (savedHome === undefined) delete process.env.REWARD_STUDIO_HOME;
  else process.env.REWARD_STUDIO_HOME = savedHome;
  temp.remove();
});

describe('score playground', () => {
  it('scores a checkpoint exactly as the worker’s score command does, warm on the second request', async () => {
    const ref: ModelRef = { kind: 'checkpoint', checkpointId: checkpoint.id };
    const first = await playground(ref);
    expect(first).toMatchObject({ engine: 'python', model: `lora-run step ${checkpoint.step}`, loaded: true });
    const expected = workerScores(checkpoint.path);
    expect(first.scores).toHaveLength(expected.length);
    first.scores.forEach((score, i) => expect(score).toBeCloseTo(expected[i] as number, 5));
    const second = await playground(ref);
    expect(second.loaded).toBe(false);
    expect(second.scores).toEqual(first.scores);

    const noImage = await call('scoring.score', { model: ref, query: item.query, responses: item.response });
    expect(noImage.scores).not.toEqual(first.scores); // the image reaches the model

    const badImage = await refused('scoring.score', { model: ref, query: 'q', responses: ['a'], image: 'bm90IGFuIGltYWdl' });
    expect(badImage).toMatchObject({ code: 'bad_image' });
    expect(badImage.message).toMatch(/not an image/);
    expect(await refused('scoring.score', { model: { kind: 'checkpoint', checkpointId: 9999 }, query: 'q', responses: ['a'] })).toMatchObject({ code: 'not_found' });
  }, 300_000);
});

describe('model exports', () => {
  it('a merged export is listed, reloads with the same scores, refuses a duplicate and is deleted', async () => {
    const recorder = recordEvents(studio.events);
    const exported = await call('models.export', { checkpointId: checkpoint.id, format: 'merged' });
    expect(exported).toMatchObject({ id: `lora-run_step-${checkpoint.step}_merged`, format: 'merged', checkpointId: checkpoint.id, runName: 'lora-run', step: checkpoint.step });
    expect(exported.path).toBe(path.join(projectDir, 'exports', exported.id));
    expect(existsSync(path.join(exported.path, 'model.safetensors'))).toBe(true);
    expect(existsSync(path.join(exported.path, 'adapter_model.safetensors'))).toBe(false); // merged, not an adapter
    expect(exported.sizeBytes).toBeGreaterThan(100_000);
    expect(exported.verifyMaxAbsDiff).not.toBeNull();
    expect(exported.verifyMaxAbsDiff as number).toBeLessThan(1e-4);
    expect(recorder.of('models.onExportProgress').map((p) => p.phase)).toEqual(['loading', 'done']);
    expect(await call('models.exports', {})).toEqual([exported]);

    const fromCheckpoint = await playground({ kind: 'checkpoint', checkpointId: checkpoint.id });
    const fromExport = await playground({ kind: 'export', exportId: exported.id });
    expect(fromExport.model).toBe(exported.id);
    fromExport.scores.forEach((score, i) => expect(Math.abs(score - (fromCheckpoint.scores[i] as number))).toBeLessThan(1e-4));

    expect(await refused('models.export', { checkpointId: checkpoint.id, format: 'merged' })).toMatchObject({ code: 'already_exists' });
    expect(await call('models.deleteExport', { id: exported.id, confirm: true })).toEqual({ deleted: 1 });
    expect(await call('models.exports', {})).toEqual([]);
    expect(existsSync(exported.path)).toBe(false);
    expect(await refused('models.deleteExport', { id: exported.id, confirm: true })).toMatchObject({ code: 'not_found' });
  }, 400_000);

  it('an ONNX export scores in onnxruntime-node like the checkpoint; exports run one at a time', async () => {
    const both = await Promise.allSettled([
      call('models.export', { checkpointId: checkpoint.id, format: 'onnx' }),
      call('models.export', { checkpointId: checkpoint.id, format: 'merged' }),
    ]);
    expect(both[0].status).toBe('fulfilled');
    expect(both[1].status === 'rejected' && String(both[1].reason)).toMatch(/already running/);
    const exported = (both[0] as PromiseFulfilledResult<CommandResult<'models.export'>>).value;
    expect(exported.format).toBe('onnx');
    expect(existsSync(path.join(exported.path, 'model.onnx'))).toBe(true);
    expect(exported.note).toMatch(/images at/);

    const fromOnnx = await playground({ kind: 'export', exportId: exported.id });
    expect(fromOnnx.engine).toBe('onnx');
    const expected = workerScores(checkpoint.path);
    fromOnnx.scores.forEach((score, i) => expect(Math.abs(score - (expected[i] as number))).toBeLessThan(1e-3));
    expect((await call('models.exports', {})).map((e) => e.id)).toEqual([exported.id]);
  }, 400_000);
});

describe('serving from the studio', () => {
  it('serves a checkpoint over HTTP, shares the loaded model with the playground, and stops', async () => {
    const recorder = recordEvents(studio.events);
    const ref: ModelRef = { kind: 'checkpoint', checkpointId: checkpoint.id };
    const port = await freePort();
    const status = await call('serving.start', { model: ref, port, host: '127.0.0.1' });
    expect(status).toMatchObject({ host: '127.0.0.1', model: ref, modelLabel: `lora-run step ${checkpoint.step}`, engine: 'python', requests: 0 });
    expect(status.port).toBe(port);
    expect(status.url).toBe(`http://127.0.0.1:${port}`);
    expect(await refused('serving.start', { model: ref, port: await freePort(), host: '127.0.0.1' })).toMatchObject({ code: 'busy' });

    const response = await fetch(`${status.url}/score-pair`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ prompt: item.query, chosen: item.response[0], rejected: item.response[1], image: imageBase64 }),
    });
    expect(response.status).toBe(200);
    const pair = (await response.json()) as { chosen_score: number; rejected_score: number };
    const fromPlayground = await playground(ref);
    expect(fromPlayground.loaded).toBe(false); // the served model, not a second copy
    expect(pair.chosen_score).toBeCloseTo(fromPlayground.scores[0] as number, 5);
    expect(pair.rejected_score).toBeCloseTo(fromPlayground.scores[1] as number, 5);
    expect((await call('serving.status', {}))?.requests).toBe(1);

    expect(await call('serving.stop', {})).toEqual({ stopped: true });
    expect(await call('serving.status', {})).toBeNull();
    expect(await call('serving.stop', {})).toEqual({ stopped: false });
    await expect(fetch(`${status.url}/health`)).rejects.toThrow();
    const changes = recorder.of('serving.onChanged');
    expect(changes[0]?.url).toBe(status.url);
    expect(changes[changes.length - 1]).toBeNull();
  }, 300_000);
});
