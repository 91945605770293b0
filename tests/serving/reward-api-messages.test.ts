/**
 * The HTTP API's `messages` field with the real Python worker on the tiny VL checkpoint: an
 * OpenAI-style conversation (developer prompt, earlier turns, tool calls with JSON-text and object
 * arguments after and without the assistant's text, the tools' results, an image_url data URL in the second user turn) scores exactly what
 * `python -m reward_studio score` gives the same conversation written in the studio's seed format;
 * one user turn as `messages` equals `prompt`; malformed conversations are 400s naming the field.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScorer } from '../../app/scoring/load-scorer';
import { resolveModelFolder } from '../../app/scoring/model-resolver';
import type { RewardScorer } from '../../app/scoring/reward-scorer';
import { startRewardApi, type RewardApiServer } from '../../app/serving/reward-api-server';
import { WORKERS_DIR } from '../../app/environment/python-interpreter';
import { fileTempDir, PYTHON } from '../runs/training-fixtures';
import { makeTinyCheckpoint } from './serving-fixtures';

const temp = fileTempDir('rs-serving-messages-');
let checkpoint: string;
let scorer: RewardScorer;
let api: RewardApiServer;
let png: Buffer;

const CALL = { name: 'realtime_aqi', arguments: { city: 'Beijing' } };
const TOOLS = [{ type: 'function', function: { name: 'realtime_aqi', description: 'Air quality', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
const RESPONSES = ['It is red and the air is clean.', 'Blue, and the air is bad.'];

/** The conversation as an OpenAI client sends it. */
function openAiMessages(): unknown[] {
  return [
    { role: 'developer', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'How is the air in Beijing?' },
    { role: 'assistant', content: 'Let me check.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: CALL.name, arguments: JSON.stringify(CALL.arguments) } }] },
    { role: 'tool', tool_call_id: 'call_1', content: '{"aqi": 10}' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_2', type: 'function', function: { name: CALL.name, arguments: { city: 'Rome' } } }] },
    { role: 'tool', tool_call_id: 'call_2', content: '{"aqi": 10}' },
    { role: 'assistant', content: 'The air is clean.' },
    { role: 'user', content: [{ type: 'text', text: 'And what colour is this square?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } }] },
  ];
}

/** The same conversation in the studio's seed format (what a frozen run snapshot holds). */
function seedMessages(): unknown[] {
  return [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'How is the air in Beijing?' },
    { role: 'assistant', content: 'Let me check.' },
    { role: 'tool_call', content: JSON.stringify(CALL) },
    { role: 'tool', content: '{"aqi": 10}' },
    { role: 'tool_call', content: JSON.stringify({ name: CALL.name, arguments: { city: 'Rome' } }) },
    { role: 'tool', content: '{"aqi": 10}' },
    { role: 'assistant', content: 'The air is clean.' },
    { role: 'user', content: [{ type: 'text', text: 'And what colour is this square?' }, { type: 'image' }] },
  ];
}

async function post(pathname: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${api.url}${pathname}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** `python -m reward_studio score` on seed-format rows: one score array per row. */
function workerScores(rows: unknown[]): number[][] {
  const data = path.join(temp.dir, 'conversation.jsonl');
  const out = path.join(temp.dir, 'scored.jsonl');
  writeFileSync(data, rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
  const result = spawnSync(PYTHON, ['-m', 'reward_studio', 'score', '--model_path', checkpoint, '--data_path', data, '--output_path', out, '--exact-output', '--max_length', '4096'], { cwd: WORKERS_DIR, encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0) throw new Error(`score failed (${result.status}): ${result.stderr.slice(-2000)}`);
  return readFileSync(out, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { scores: number[] }).scores);
}

beforeAll(async () => {
  checkpoint = makeTinyCheckpoint(temp.dir);
  const model = resolveModelFolder(checkpoint);
  const loading = loadScorer(model, { python: PYTHON });
  api = await startRewardApi({ host: '127.0.0.1', port: 0, model: { label: model.label, engine: model.engine }, scorer: loading });
  scorer = await loading;
  png = await sharp({ create: { width: 56, height: 56, channels: 3, background: { r: 200, g: 30, b: 30 } } }).png().toBuffer();
  writeFileSync(path.join(temp.dir, 'square.png'), png);
}, 600_000);

afterAll(async () => {
  await api?.close();
  await scorer?.close();
  temp.remove();
});

describe('messages instead of prompt', () => {
  it('scores an OpenAI-style conversation exactly as the worker scores it from a data file', async () => {
    const batch = await post('/score-batch', { items: [{ messages: openAiMessages(), tools: TOOLS, responses: RESPONSES }, { prompt: 'And what colour is this square?', responses: RESPONSES }] });
    expect(batch.status).toBe(200);
    const [conversation, lastQuestion] = (batch.json.results as { scores: number[] }[]).map((result) => result.scores);
    const expected = workerScores([{ id: 'c', image: [path.join(temp.dir, 'square.png')], messages: seedMessages(), tools: TOOLS, response: RESPONSES }]);
    expect(conversation?.[0]).toBeCloseTo(expected[0]?.[0] as number, 5);
    expect(conversation?.[1]).toBeCloseTo(expected[0]?.[1] as number, 5);
    // The earlier turns reached the model: the last question alone scores differently.
    expect(lastQuestion?.[0]).not.toBeCloseTo(conversation?.[0] as number, 5);

    const single = await post('/score', { messages: openAiMessages(), tools: TOOLS, response: RESPONSES[0] });
    expect(single.status).toBe(200);
    expect(single.json.score).toBeCloseTo(conversation?.[0] as number, 5);
    const pair = await post('/score-pair', { messages: openAiMessages(), tools: TOOLS, chosen: RESPONSES[0], rejected: RESPONSES[1] });
    expect(pair.json.chosen_score).toBeCloseTo(conversation?.[0] as number, 5);
    expect(pair.json.rejected_score).toBeCloseTo(conversation?.[1] as number, 5);
  }, 300_000);

  it('one user turn as messages scores like prompt; bare base64 and image parts work like data URLs', async () => {
    const asPrompt = await post('/score', { prompt: 'What colour is the square?', response: 'Red.' });
    const asMessages = await post('/score', { messages: [{ role: 'user', content: 'What colour is the square?' }], response: 'Red.' });
    expect(asMessages.json.score).toBeCloseTo(asPrompt.json.score as number, 6);
    const withImage = await post('/score', { prompt: 'What colour is the square?', response: 'Red.', image: png.toString('base64') });
    const imageFirst = (image: unknown) => ({ messages: [{ role: 'user', content: [image, { type: 'text', text: 'What colour is the square?' }] }], response: 'Red.' });
    const urlPart = await post('/score', imageFirst({ type: 'image_url', image_url: `data:image/png;base64,${png.toString('base64')}` }));
    const hfPart = await post('/score', imageFirst({ type: 'image', image: png.toString('base64') }));
    expect(urlPart.json.score).toBeCloseTo(withImage.json.score as number, 6);
    expect(hfPart.json.score).toBeCloseTo(withImage.json.score as number, 6);
  });
});

describe('bad conversations are 400s naming the field', () => {
  const user = { role: 'user', content: 'q' };
  const cases: { name: string; body: () => unknown; message: RegExp }[] = [
    { name: 'prompt and messages', body: () => ({ prompt: 'q', messages: [user], response: 'a' }), message: /messages: send either `prompt` or `messages`/ },
    { name: 'neither', body: () => ({ response: 'a' }), message: /prompt: missing \(required; or send the conversation as `messages`\)/ },
    { name: 'image beside messages', body: () => ({ messages: [user], response: 'a', image: png.toString('base64') }), message: /image: with `messages`, put the image inside the message/ },
    { name: 'empty messages', body: () => ({ messages: [], response: 'a' }), message: /messages: must hold at least one message/ },
    { name: 'unknown role', body: () => ({ messages: [{ role: 'bot', content: 'q' }], response: 'a' }), message: /messages\.0\.role/ },
    { name: 'unknown part', body: () => ({ messages: [{ role: 'user', content: [{ type: 'audio', audio: 'x' }] }], response: 'a' }), message: /messages\.0\.content: must be a string or a list of parts/ },
    { name: 'image by URL', body: () => ({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }, { type: 'text', text: 'q' }] }], response: 'a' }), message: /messages\.0\.content\.0: the image is a URL or a file path/ },
    { name: 'image by path', body: () => ({ items: [{ messages: [{ role: 'user', content: [{ type: 'image', image: '/etc/passwd' }] }], responses: ['a'] }] }), message: /items\.0\.messages\.0\.content\.0: the image is a URL or a file path/ },
    { name: 'broken image', body: () => ({ messages: [{ role: 'user', content: [{ type: 'image', image: Buffer.from('not a picture').toString('base64') }] }], response: 'a' }), message: /messages\.0\.content\.0 is not an image/ },
    { name: 'assistant with nothing', body: () => ({ messages: [user, { role: 'assistant', content: null }, user], response: 'a' }), message: /messages\.1\.content: missing/ },
    { name: 'ends with the assistant', body: () => ({ messages: [user, { role: 'assistant', content: 'a' }], response: 'b' }), message: /ends with a assistant message/ },
    { name: 'no user turn', body: () => ({ messages: [{ role: 'system', content: 's' }, { role: 'tool', content: 'r' }], response: 'b' }), message: /has no user message/ },
  ];
  for (const testCase of cases) {
    it(testCase.name, async () => {
      const body = testCase.body() as Record<string, unknown>;
      const { status, json } = await post(body.items ? '/score-batch' : '/score', body);
      expect(status).toBe(400);
      const error = json.error as { message: string; hint: string };
      expect(error.message).toMatch(testCase.message);
      expect(error.hint.length).toBeGreaterThan(0);
    });
  }
});
