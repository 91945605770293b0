/**
 * The reward-model HTTP API with the real Python worker on a tiny checkpoint: seed 003's two curl
 * examples exactly as printed there (run with curl when it exists), the batch endpoint, images,
 * every kind of bad request (each a 4xx, the server answering normally afterwards), a model that
 * cannot load (503 with the reason) and a worker that crashes (503, then a fresh worker).
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScorer } from '../../app/scoring/load-scorer';
import { resolveModelFolder } from '../../app/scoring/model-resolver';
import { PythonRewardScorer } from '../../app/scoring/python-scorer';
import { MAX_BATCH_ITEMS, MAX_BODY_BYTES } from '../../app/scoring/score-limits';
import { startRewardApi, type RewardApiServer } from '../../app/serving/reward-api-server';
import { fileTempDir, PYTHON } from '../runs/training-fixtures';
import { makeTinyCheckpoint } from './serving-fixtures';

const temp = fileTempDir('rs-serving-');
let checkpoint: string;
let scorer: PythonRewardScorer;
let api: RewardApiServer;
let png: string;

const HAS_CURL = spawnSync('curl', ['--version']).status === 0;

async function post(pathname: string, body: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${api.url}${pathname}`, { method: 'POST', headers, body });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** Seed 003's example, run the way its README shows (curl), else with fetch and the identical request. */
async function seedExample(pathname: string, body: string): Promise<Record<string, unknown>> {
  if (HAS_CURL) {
    // Asynchronously: the server runs in this process and must keep answering while curl waits.
    const { stdout } = await promisify(execFile)('curl', ['-s', '-X', 'POST', `${api.url}${pathname}`, '-H', 'Content-Type: application/json', '-d', body], { encoding: 'utf8' });
    return JSON.parse(stdout) as Record<string, unknown>;
  }
  const { status, json } = await post(pathname, body);
  expect(status).toBe(200);
  return json;
}

async function expectStillServing(): Promise<void> {
  const health = await fetch(`${api.url}/health`);
  expect(health.status).toBe(200);
  const scored = await post('/score', JSON.stringify({ prompt: 'still there?', response: 'yes' }));
  expect(scored.status).toBe(200);
  expect(typeof scored.json.score).toBe('number');
}

function errorOf(json: Record<string, unknown>): { message: string; hint: string } {
  return json.error as { message: string; hint: string };
}

beforeAll(async () => {
  checkpoint = makeTinyCheckpoint(temp.dir);
  const model = resolveModelFolder(checkpoint);
  const loading = loadScorer(model, { python: PYTHON }) as Promise<PythonRewardScorer>;
  api = await startRewardApi({ host: '127.0.0.1', port: 0, model: { label: model.label, engine: model.engine }, scorer: loading });
  // Asked before the model is ready: 503 with a hint, not a hang or a crash.
  const early = await fetch(`${api.url}/health`);
  if (api.state() === 'loading') expect(early.status).toBe(503);
  scorer = await loading;
  png = (await sharp({ create: { width: 56, height: 56, channels: 3, background: { r: 200, g: 30, b: 30 } } }).png().toBuffer()).toString('base64');
}, 600_000);

afterAll(async () => {
  await api?.close();
  await scorer?.close();
  temp.remove();
});

describe('seed 003 examples', () => {
  it('POST /score and POST /score-pair answer the README curl lines', async () => {
    const single = await seedExample('/score', '{"prompt": "你的问题", "response": "回答内容"}');
    expect(Object.keys(single)).toEqual(['score']);
    expect(Number.isFinite(single.score)).toBe(true);

    const pair = await seedExample('/score-pair', '{"prompt": "你的问题", "chosen": "好的回答", "rejected": "差的回答"}');
    expect(Object.keys(pair).sort()).toEqual(['chosen_score', 'margin', 'preferred', 'rejected_score']);
    const chosen = pair.chosen_score as number;
    const rejected = pair.rejected_score as number;
    expect(pair.margin).toBeCloseTo(chosen - rejected, 12);
    expect(pair.preferred).toBe(chosen >= rejected ? 'chosen' : 'rejected');

    // The same texts through the batch endpoint and the scorer itself give the same numbers.
    const batch = await post('/score-batch', JSON.stringify({ items: [{ prompt: '你的问题', responses: ['回答内容'] }, { prompt: '你的问题', responses: ['好的回答', '差的回答'] }] }));
    expect(batch.status).toBe(200);
    const results = batch.json.results as { scores: number[] }[];
    expect(results[0]?.scores[0]).toBeCloseTo(single.score as number, 5);
    expect(results[1]?.scores[0]).toBeCloseTo(chosen, 5);
    expect(results[1]?.scores[1]).toBeCloseTo(rejected, 5);
    const direct = await scorer.score([{ query: '你的问题', responses: ['好的回答', '差的回答'], image: null }]);
    expect(direct[0]?.[0]).toBeCloseTo(chosen, 5);
  });

  it('scores with an image (data URL or bare base64, the same score) and reports health', async () => {
    const bare = await post('/score', JSON.stringify({ prompt: 'What colour is the square?', response: 'Red.', image: png }));
    const dataUrl = await post('/score', JSON.stringify({ prompt: 'What colour is the square?', response: 'Red.', image: `data:image/png;base64,${png}` }));
    const without = await post('/score', JSON.stringify({ prompt: 'What colour is the square?', response: 'Red.' }));
    expect(bare.status).toBe(200);
    expect(dataUrl.json.score).toBeCloseTo(bare.json.score as number, 6);
    expect(without.json.score).not.toBeCloseTo(bare.json.score as number, 6); // the image reached the model
    const pair = await post('/score-pair', JSON.stringify({ prompt: 'Colour?', chosen: 'Red.', rejected: 'Blue.', image: png }));
    expect(pair.status).toBe(200);
    const health = (await (await fetch(`${api.url}/health`)).json()) as Record<string, unknown>;
    expect(health).toEqual({ status: 'ok', model: 'checkpoint', engine: 'python', accepts_images: true });
  });
});

describe('bad requests get a 4xx with a message and a hint, and the server keeps serving', () => {
  const cases: { name: string; path: string; body: string; headers?: Record<string, string>; status: number; message: RegExp }[] = [
    { name: 'bad JSON', path: '/score', body: '{"prompt": "q", "response": ', status: 400, message: /not valid JSON/ },
    { name: 'empty body', path: '/score', body: '', status: 400, message: /empty/ },
    { name: 'a JSON array', path: '/score', body: '[1, 2]', status: 400, message: /body: .*object/i },
    { name: 'missing field', path: '/score', body: '{"prompt": "q"}', status: 400, message: /response: missing/ },
    { name: 'wrong type', path: '/score', body: '{"prompt": 5, "response": "a"}', status: 400, message: /prompt: expected string/ },
    { name: 'empty response', path: '/score-pair', body: '{"prompt": "q", "chosen": "", "rejected": "b"}', status: 400, message: /chosen: must not be empty/ },
    { name: 'pair without rejected', path: '/score-pair', body: '{"prompt": "q", "chosen": "a"}', status: 400, message: /rejected: missing/ },
    { name: 'batch with no responses', path: '/score-batch', body: '{"items": [{"prompt": "q", "responses": []}]}', status: 400, message: /items\.0\.responses: must hold at least one/ },
    { name: 'bad base64 image', path: '/score', body: '{"prompt": "q", "response": "a", "image": "%%%not base64%%%"}', status: 400, message: /image is not valid base64/ },
    { name: 'base64 of a non-image', path: '/score', body: JSON.stringify({ prompt: 'q', response: 'a', image: Buffer.from('just some text, not a picture').toString('base64') }), status: 400, message: /image is not an image/ },
    { name: 'not JSON content type', path: '/score', body: '{"prompt": "q", "response": "a"}', headers: { 'Content-Type': 'text/plain' }, status: 415, message: /must be JSON/ },
    { name: 'unknown path', path: '/scores', body: '{}', status: 404, message: /no \/scores here/ },
  ];
  for (const testCase of cases) {
    it(`${testCase.name} → ${testCase.status}`, async () => {
      const { status, json } = await post(testCase.path, testCase.body, testCase.headers);
      expect(status).toBe(testCase.status);
      expect(errorOf(json).message).toMatch(testCase.message);
      expect(errorOf(json).hint.length).toBeGreaterThan(0);
      await expectStillServing();
    });
  }

  it('wrong method → 405 with Allow; too many batch items → 400; too large → 413', async () => {
    const get = await fetch(`${api.url}/score`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const many = { items: Array.from({ length: MAX_BATCH_ITEMS + 1 }, () => ({ prompt: 'q', responses: ['a'] })) };
    const tooMany = await post('/score-batch', JSON.stringify(many));
    expect(tooMany.status).toBe(400);
    expect(errorOf(tooMany.json).message).toMatch(/at most 64 items/);
    const huge = JSON.stringify({ prompt: 'q', response: 'x'.repeat(MAX_BODY_BYTES) });
    const tooLarge = await post('/score', huge);
    expect(tooLarge.status).toBe(413);
    expect(errorOf(tooLarge.json).message).toMatch(/larger than 32 MiB/);
    await expectStillServing();
  });
});

describe('model failures', () => {
  it('a worker crash fails the request in flight with 503 and the next request starts a fresh worker', async () => {
    const pid = scorer.pid as number;
    expect(pid).toBeGreaterThan(0);
    // Long responses keep the worker busy for a while, so the kill lands while it is scoring.
    const inFlight = post('/score-batch', JSON.stringify({ items: [{ prompt: 'slow', responses: Array.from({ length: 16 }, (_, i) => `answer ${i} `.repeat(300)) }] }));
    const deadline = Date.now() + 60_000;
    while (scorer.pendingRequests === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(scorer.pendingRequests).toBe(1);
    process.kill(pid, 'SIGKILL');
    const failed = await inFlight;
    expect(failed.status).toBe(503);
    expect(errorOf(failed.json).message).toMatch(/scoring worker for checkpoint was killed \(SIGKILL\)|exited/);
    await expectStillServing();
    expect(scorer.pid).not.toBe(pid);
  }, 300_000);

  it('a model that cannot load answers 503 with the reason on every scoring request', async () => {
    const broken = path.join(temp.dir, 'broken-checkpoint');
    mkdirSync(broken);
    writeFileSync(path.join(broken, 'reward_config.json'), JSON.stringify({ base_model_name: path.join(temp.dir, 'no-such-base'), lora: true, score_head: 'mlp', score_min: -5, score_max: 5 }));
    const model = resolveModelFolder(broken);
    const loading = loadScorer(model, { python: PYTHON });
    const server = await startRewardApi({ host: '127.0.0.1', port: 0, model: { label: model.label, engine: model.engine }, scorer: loading });
    try {
      await loading.catch(() => undefined);
      const response = await fetch(`${server.url}/score`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"prompt": "q", "response": "a"}' });
      expect(response.status).toBe(503);
      const json = (await response.json()) as Record<string, unknown>;
      expect(errorOf(json).message).toMatch(/could not be loaded: .*model folder not found/);
      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(503);
      expect(((await health.json()) as Record<string, unknown>).status).toBe('failed');
    } finally {
      await server.close();
    }
  }, 300_000);
});
