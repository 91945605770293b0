/**
 * The RL clients' protocols on the real server with the real Python worker: OpenRLHF's /get_reward,
 * vLLM's /classify, /pooling and /v1/models, text-embeddings-inference's /predict and LLaMA-Factory's
 * /v1/score/evaluation, each sent the request shape its client sends, scoring exactly what
 * `python -m reward_studio score` gives the same conversation and response in a data file (1e-4),
 * on the tiny text checkpoint (with an API key) and the tiny VL checkpoint (vLLM messages with an
 * image). Also: wrong or missing key → 401, bad bodies → 4xx naming the field, oversized requests →
 * 413, a full queue → 503 + Retry-After, concurrent single-sample requests batched into fewer worker
 * calls with unchanged scores, and the server answering after all of it.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScorer } from '../../app/scoring/load-scorer';
import { resolveModelFolder } from '../../app/scoring/model-resolver';
import type { RewardScorer } from '../../app/scoring/reward-scorer';
import { startRewardApi, type RewardApiServer } from '../../app/serving/reward-api-server';
import { WORKERS_DIR } from '../../app/environment/python-interpreter';
import { fileTempDir, PYTHON } from '../runs/training-fixtures';
import { makeTinyCheckpoint } from './serving-fixtures';

const KEY = 'rs-test-key-0123456789abcdef';
const SYSTEM = 'You are a helpful assistant.';
const CASES = [
  { question: 'What colour is the sky?', response: 'The sky is blue.' },
  { question: 'What colour is grass?', response: 'Grass is purple, I think.' },
  { question: 'Name a prime number.', response: 'Seven.' },
];

const textDir = fileTempDir('rs-rl-text-');
const vlDir = fileTempDir('rs-rl-vl-');
let textCheckpoint: string;
let vlCheckpoint: string;
let textScorer: RewardScorer;
let vlScorer: RewardScorer;
let textApi: RewardApiServer;
let vlApi: RewardApiServer;
/** Each case as its client sends it: the chat template applied by the tokenizer, special tokens as text. */
let rendered: string[];
/** `python -m reward_studio score` on each case written as a data file row. */
let expected: number[];
let png: Buffer;

/** The full text a client renders: the conversation and the response through the model's own chat template. */
const RENDER = `
import json, sys
from transformers import AutoTokenizer
tok = AutoTokenizer.from_pretrained(sys.argv[1])
cases = json.loads(sys.argv[2])
out = [tok.apply_chat_template([{"role": "system", "content": sys.argv[3]}, {"role": "user", "content": c["question"]},
                                {"role": "assistant", "content": c["response"]}], tokenize=False) for c in cases]
print(json.dumps(out))
`;

/**
 * The Python helpers run asynchronously: a test blocked in spawnSync lets the server's idle keep-alive
 * sockets close under fetch's pool, and the next request fails with ECONNRESET.
 */
const run = promisify(execFile);

async function renderCases(checkpoint: string): Promise<string[]> {
  const { stdout } = await run(PYTHON, ['-c', RENDER, checkpoint, JSON.stringify(CASES), SYSTEM], { cwd: WORKERS_DIR, encoding: 'utf8', timeout: 300_000 });
  return JSON.parse(stdout) as string[];
}

/**
 * `python -m reward_studio score` on seed-format rows: one score array per row. A seed row holds at least
 * two responses, so a row with one gets a filler second response whose score is dropped (each response
 * is scored on its own: the filler changes nothing).
 */
async function workerScores(checkpoint: string, dir: string, rows: (Record<string, unknown> & { response: string[] })[]): Promise<number[][]> {
  const data = path.join(dir, 'rows.jsonl');
  const out = path.join(dir, 'scored.jsonl');
  const padded = rows.map((row) => (row.response.length > 1 ? row : { ...row, response: [...row.response, 'Filler.'] }));
  writeFileSync(data, padded.map((row) => `${JSON.stringify(row)}\n`).join(''));
  await run(PYTHON, ['-m', 'reward_studio', 'score', '--model_path', checkpoint, '--data_path', data, '--output_path', out, '--exact-output', '--max_length', '4096'], { cwd: WORKERS_DIR, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
  return readFileSync(out, 'utf8').trim().split('\n').map((line, index) => (JSON.parse(line) as { scores: number[] }).scores.slice(0, rows[index]?.response.length));
}

function caseRow(index: number): Record<string, unknown> & { response: string[] } {
  const c = CASES[index] as (typeof CASES)[number];
  return { id: `c${index}`, messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: c.question }], response: [c.response] };
}

async function call(api: RewardApiServer, pathname: string, body?: unknown, key: string | null = KEY): Promise<{ status: number; headers: Headers; json: any }> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  const response = await fetch(`${api.url}${pathname}`, body === undefined ? { headers } : { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, json: await response.json() };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

beforeAll(async () => {
  textCheckpoint = makeTinyCheckpoint(textDir.dir, { textOnly: true });
  vlCheckpoint = makeTinyCheckpoint(vlDir.dir);
  rendered = await renderCases(textCheckpoint);
  expected = (await workerScores(textCheckpoint, textDir.dir, CASES.map((_, index) => caseRow(index)))).map((scores) => scores[0] as number);
  const textModel = resolveModelFolder(textCheckpoint);
  const textLoading = loadScorer(textModel, { python: PYTHON });
  textApi = await startRewardApi({ host: '127.0.0.1', port: 0, model: { label: textModel.label, engine: textModel.engine }, scorer: textLoading, apiKey: KEY, servedModelName: 'tiny-rm' });
  const vlModel = resolveModelFolder(vlCheckpoint);
  const vlLoading = loadScorer(vlModel, { python: PYTHON });
  vlApi = await startRewardApi({ host: '127.0.0.1', port: 0, model: { label: vlModel.label, engine: vlModel.engine }, scorer: vlLoading });
  [textScorer, vlScorer] = await Promise.all([textLoading, vlLoading]);
  png = await sharp({ create: { width: 56, height: 56, channels: 3, background: { r: 30, g: 160, b: 40 } } }).png().toBuffer();
  writeFileSync(path.join(vlDir.dir, 'square.png'), png);
}, 900_000);

afterAll(async () => {
  await textApi?.close();
  await vlApi?.close();
  await textScorer?.close();
  await vlScorer?.close();
  textDir.remove();
  vlDir.remove();
});

describe('each client’s request scores what `score` gives the same conversation', () => {
  it('OpenRLHF: one templated sample per POST /get_reward (concurrently), and several in one', async () => {
    const single = await Promise.all(rendered.map((text, index) => call(textApi, '/get_reward', { query: [text], prompts: [CASES[index]?.question], labels: [null] })));
    single.forEach((answer, index) => {
      expect(answer.status).toBe(200);
      expect(answer.json.rewards[0]).toBeCloseTo(expected[index] as number, 4);
      expect(answer.json.scores).toEqual(answer.json.rewards);
      expect(answer.json.extra_logs).toEqual({});
    });
    // OpenRLHF decodes with pad tokens kept; trailing pads and a missing final newline change nothing.
    const padded = await call(textApi, '/get_reward', { query: rendered.map((text) => `${text.trimEnd()}<|endoftext|><|endoftext|>`) });
    padded.json.rewards.forEach((reward: number, index: number) => expect(reward).toBeCloseTo(expected[index] as number, 4));
  }, 120_000);

  it('vLLM: /classify with raw scores (verl), with activation, /pooling and /v1/models', async () => {
    const verl = await call(textApi, '/classify', { model: 'tiny-rm', input: rendered[1], activation: false });
    expect(verl.status).toBe(200);
    expect(verl.json.data.at(-1).probs.at(-1)).toBeCloseTo(expected[1] as number, 4);
    expect(verl.json).toMatchObject({ object: 'list', model: 'tiny-rm', data: [{ index: 0, label: 'LABEL_0', num_classes: 1 }] });
    expect(verl.json.id).toMatch(/^classify-/);
    expect(verl.json.usage.prompt_tokens).toBeGreaterThan(10);

    const many = await call(textApi, '/classify', { model: 'tiny-rm', input: rendered, use_activation: null });
    many.json.data.forEach((row: { index: number; probs: number[] }, index: number) => {
      expect(row.index).toBe(index);
      expect(row.probs[0]).toBeCloseTo(sigmoid(expected[index] as number), 4);
    });
    const raw = await call(textApi, '/v1/classify', { input: rendered, use_activation: false });
    raw.json.data.forEach((row: { probs: number[] }, index: number) => expect(row.probs[0]).toBeCloseTo(expected[index] as number, 4));

    const pooled = await call(textApi, '/pooling', { model: 'tiny-rm', input: rendered });
    pooled.json.data.forEach((row: { object: string; data: number[] }, index: number) => {
      expect(row.object).toBe('pooling');
      expect(row.data[0]).toBeCloseTo(expected[index] as number, 4);
    });

    const models = await call(textApi, '/v1/models');
    expect(models.status).toBe(200);
    expect(models.json.data[0]).toMatchObject({ id: 'tiny-rm', object: 'model' });
  }, 120_000);

  it('vLLM: /classify with messages (the chat and the response as its last turn)', async () => {
    const messages = [{ role: 'system', content: SYSTEM }, { role: 'user', content: CASES[0]?.question }, { role: 'assistant', content: CASES[0]?.response }];
    const answer = await call(textApi, '/classify', { model: 'tiny-rm', messages, use_activation: false });
    expect(answer.status).toBe(200);
    expect(answer.json.data[0].probs[0]).toBeCloseTo(expected[0] as number, 4);
  });

  it('text-embeddings-inference: /predict with a templated text, a [prompt, response] pair and a batch', async () => {
    const one = await call(textApi, '/predict', { inputs: rendered[0] });
    expect(one.json).toEqual([{ score: expect.closeTo(sigmoid(expected[0] as number), 4), label: 'LABEL_0' }]);
    const rawOne = await call(textApi, '/predict', { inputs: rendered[0], raw_scores: true });
    expect(rawOne.json[0].score).toBeCloseTo(expected[0] as number, 4);

    // A pair is a prompt and a response: one user turn, rendered by the worker (no system message).
    const [pairExpected] = await workerScores(textCheckpoint, textDir.dir, [{ id: 'p', query: CASES[2]?.question, response: [CASES[2]?.response as string] }]);
    const pair = await call(textApi, '/predict', { inputs: [CASES[2]?.question, CASES[2]?.response], raw_scores: true });
    expect(pair.json[0].score).toBeCloseTo(pairExpected?.[0] as number, 4);

    const batch = await call(textApi, '/predict', { inputs: [[rendered[1]], [CASES[2]?.question, CASES[2]?.response]], raw_scores: true, truncate: true });
    expect(batch.json).toHaveLength(2);
    expect(batch.json[0][0].score).toBeCloseTo(expected[1] as number, 4);
    expect(batch.json[1][0].score).toBeCloseTo(pairExpected?.[0] as number, 4);
  });

  it('LLaMA-Factory: /v1/score/evaluation', async () => {
    const answer = await call(textApi, '/v1/score/evaluation', { model: 'tiny-rm', messages: rendered, max_length: 4096 });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ object: 'score.evaluation', model: 'tiny-rm' });
    answer.json.scores.forEach((score: number, index: number) => expect(score).toBeCloseTo(expected[index] as number, 4));
  });

  it('VL: vLLM messages with an image_url part; templated texts on the VL model', async () => {
    const question = 'What colour is this square?';
    const messages = [
      { role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } }, { type: 'text', text: question }] },
      { role: 'assistant', content: 'It is green.' },
    ];
    const answer = await call(vlApi, '/classify', { messages, use_activation: false }, null);
    expect(answer.status).toBe(200);
    const [reference] = await workerScores(vlCheckpoint, vlDir.dir, [{ id: 'v', image: path.join(vlDir.dir, 'square.png'), query: question, response: ['It is green.'] }]);
    expect(answer.json.data[0].probs[0]).toBeCloseTo(reference?.[0] as number, 4);
    // Templated text on the VL model (no image): the same as the conversation scored by `score`.
    const texts = await renderCases(vlCheckpoint);
    const vlExpected = await workerScores(vlCheckpoint, vlDir.dir, CASES.map((_, index) => caseRow(index)));
    const rewards = await call(vlApi, '/get_reward', { query: texts }, null);
    rewards.json.rewards.forEach((reward: number, index: number) => expect(reward).toBeCloseTo(vlExpected[index]?.[0] as number, 4));
  }, 300_000);
});

describe('access', () => {
  it('no key or a wrong key → 401 on every endpoint; the right key → 200', async () => {
    for (const [pathname, body] of [['/health', undefined], ['/v1/models', undefined], ['/get_reward', { query: [rendered[0]] }], ['/score', { prompt: 'q', response: 'a' }], ['/nowhere', undefined]] as const) {
      const missing = await call(textApi, pathname, body, null);
      expect(missing.status, pathname).toBe(401);
      expect(missing.headers.get('www-authenticate')).toBe('Bearer');
      expect(missing.json.error.message).toMatch(/requires an API key/);
      const wrong = await call(textApi, pathname, body, `${KEY}x`);
      expect(wrong.status).toBe(401);
      expect(wrong.json.error.message).toMatch(/key is wrong/);
    }
    expect((await call(textApi, '/health')).status).toBe(200);
  });
});

describe('bad requests are 4xx naming the field, and the server answers afterwards', () => {
  const cases: { name: string; path: string; body: unknown; status: number; message: RegExp }[] = [
    { name: 'OpenRLHF without query', path: '/get_reward', body: { prompts: ['x'] }, status: 400, message: /query/ },
    { name: 'OpenRLHF with an empty query text', path: '/get_reward', body: { query: [''] }, status: 400, message: /query\.0: must not be empty/ },
    { name: 'vLLM token ids', path: '/classify', body: { input: [[1, 2, 3]] }, status: 400, message: /input\.0: must be a string \(token ids are not accepted\)/ },
    { name: 'vLLM with no input texts', path: '/classify', body: { input: [] }, status: 400, message: /input: must hold at least one text/ },
    { name: 'vLLM input and messages', path: '/classify', body: { input: 'a', messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }] }, status: 400, message: /either `input`/ },
    { name: 'vLLM messages not ending with the response', path: '/classify', body: { messages: [{ role: 'user', content: 'q' }, { role: 'user', content: 'q' }] }, status: 400, message: /messages\.1: the last message must be the assistant response/ },
    { name: 'TEI three strings', path: '/predict', body: { inputs: ['a', 'b', 'c'] }, status: 400, message: /inputs: must be a string, a pair/ },
    { name: 'LLaMA-Factory messages not strings', path: '/v1/score/evaluation', body: { model: 'm', messages: [{ role: 'user' }] }, status: 400, message: /messages\.0/ },
    { name: 'an image placeholder without its image', path: '/get_reward', body: { query: ['<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>Hi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>'] }, status: 400, message: /query\.0: / },
    { name: 'a prompt longer than max_length', path: '/get_reward', body: { query: [`<|im_start|>user\n${'colour '.repeat(6000)}<|im_end|>\n<|im_start|>assistant\nHi<|im_end|>`] }, status: 413, message: /query\.0: .*max_length/ },
  ];
  for (const testCase of cases) {
    it(testCase.name, async () => {
      const { status, json } = await call(textApi, testCase.path, testCase.body);
      expect(status).toBe(testCase.status);
      expect(json.error.message).toMatch(testCase.message);
      expect(json.error.hint.length).toBeGreaterThan(0);
    });
  }
  it('an empty completion (the policy ended its turn at once) is scored, not refused', async () => {
    const empty = await call(textApi, '/get_reward', { query: ['<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<|im_end|>\n'] });
    expect(empty.status).toBe(200);
    expect(Number.isFinite(empty.json.rewards[0])).toBe(true);
  });
  it('still scores afterwards', async () => {
    const answer = await call(textApi, '/get_reward', { query: [rendered[0]] });
    expect(answer.json.rewards[0]).toBeCloseTo(expected[0] as number, 4);
  });
});

describe('dynamic batching', () => {
  it('64 concurrent single-sample requests share worker calls and each gets its own score', async () => {
    const before = textApi.batchStats();
    const order = Array.from({ length: 64 }, (_, i) => i % rendered.length);
    const answers = await Promise.all(order.map((index) => call(textApi, '/get_reward', { query: [rendered[index]] })));
    answers.forEach((answer, i) => expect(answer.json.rewards[0]).toBeCloseTo(expected[order[i] as number] as number, 4));
    const after = textApi.batchStats();
    expect(after.sequences - before.sequences).toBe(64);
    expect(after.calls - before.calls).toBeLessThan(32);
  }, 120_000);

  it('a request over one call’s limit → 413; a full queue → 503 with Retry-After; then it serves again', async () => {
    // The real worker behind a gate, so the queue is still full when the later requests arrive.
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const gated: RewardScorer = {
      engine: 'python',
      label: 'tiny',
      acceptsImages: false,
      score: (items) => textScorer.score(items),
      scoreEach: async (items) => {
        await gate;
        return (textScorer.scoreEach as NonNullable<RewardScorer['scoreEach']>).call(textScorer, items);
      },
      close: async () => undefined,
    };
    const small = await startRewardApi({ host: '127.0.0.1', port: 0, model: { label: 'tiny', engine: 'python' }, scorer: Promise.resolve(gated), batching: { maxSequences: 4, maxQueuedSequences: 6 } });
    try {
      const tooMany = await call(small, '/get_reward', { query: [rendered[0], rendered[0], rendered[0], rendered[0], rendered[0]] }, null);
      expect(tooMany.status).toBe(413);
      expect(tooMany.json.error.message).toMatch(/at most 4 sequences/);
      const accepted = [0, 1, 2].map(() => call(small, '/get_reward', { query: [rendered[0], rendered[1]] }, null));
      await new Promise((resolve) => setTimeout(resolve, 300)); // all three are queued or in the gated call
      const refused = await Promise.all([0, 1].map(() => call(small, '/get_reward', { query: [rendered[0]] }, null)));
      for (const answer of refused) {
        expect(answer.status).toBe(503);
        expect(answer.headers.get('retry-after')).toBe('1');
        expect(answer.json.error.message).toMatch(/busy: 6 sequences are waiting/);
      }
      open();
      for (const answer of await Promise.all(accepted)) {
        expect(answer.status).toBe(200);
        expect(answer.json.rewards[1]).toBeCloseTo(expected[1] as number, 4);
      }
      const again = await call(small, '/get_reward', { query: [rendered[2]] }, null);
      expect(again.json.rewards[0]).toBeCloseTo(expected[2] as number, 4);
    } finally {
      await small.close();
    }
  }, 120_000);
});
