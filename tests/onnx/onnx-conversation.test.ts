/**
 * Conversations and ONNX exports: the export records the prompt layout of one user turn, so a
 * conversation that is exactly one user turn scores as its query does (and as the Python worker
 * scores it), and every other conversation is refused with what to do — in the scorer and through
 * the HTTP API — never scored as if it were only its last question.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxRewardScorer, singleUserTurn } from '../../app/onnx/onnx-reward-scorer';
import type { ScoreConversation } from '../../app/scoring/reward-scorer';
import { startRewardApi } from '../../app/serving/reward-api-server';
import { makeTinyCheckpoint } from '../serving/serving-fixtures';
import { fileTempDir } from '../training/training-fixtures';
import { exportOnnx, pythonScores } from './onnx-fixtures';

const temp = fileTempDir('rs-onnx-conversation-');
let checkpoint: string;
let scorer: OnnxRewardScorer;

const RESPONSES = ['It is red.', 'It is blue, I think.'];
const THREE_TURNS: ScoreConversation = {
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'What colour is the sky?' },
    { role: 'assistant', content: 'Blue.' },
    { role: 'user', content: 'And the square?' },
  ],
  tools: null,
  images: [],
};

beforeAll(() => {
  checkpoint = makeTinyCheckpoint(temp.dir, { textOnly: true });
  exportOnnx(checkpoint, path.join(temp.dir, 'onnx'));
}, 600_000);

afterAll(async () => {
  await scorer?.close();
  temp.remove();
});

describe('ONNX scoring of conversations (tiny text export)', () => {
  it('scores a one-user-turn conversation like its query and like the Python worker', async () => {
    scorer = await OnnxRewardScorer.load(path.join(temp.dir, 'onnx'), { threads: 1 });
    const asQuery = await scorer.score([{ query: 'And the square?', responses: RESPONSES, image: null }]);
    const asString = await scorer.score([{ query: 'ignored label', responses: RESPONSES, image: null, conversation: { messages: [{ role: 'user', content: 'And the square?' }], tools: null, images: [] } }]);
    const asParts = await scorer.score([{ query: '', responses: RESPONSES, image: null, conversation: { messages: [{ role: 'user', content: [{ type: 'text', text: 'And the ' }, { type: 'text', text: 'square?' }] }], tools: null, images: [] } }]);
    expect(asString).toEqual(asQuery);
    expect(asParts).toEqual(asQuery);
    const data = path.join(temp.dir, 'one-turn.jsonl');
    writeFileSync(data, `${JSON.stringify({ id: 'one', messages: [{ role: 'user', content: 'And the square?' }], response: RESPONSES })}\n`);
    const python = pythonScores(checkpoint, data, path.join(temp.dir, 'one-turn-scores.jsonl'));
    expect(asString[0]?.[0]).toBeCloseTo(python[0]?.[0] as number, 3);
    expect(asString[0]?.[1]).toBeCloseTo(python[0]?.[1] as number, 3);
  }, 300_000);

  it('refuses a multi-turn conversation or one with tools, saying to use the Python worker', async () => {
    scorer ??= await OnnxRewardScorer.load(path.join(temp.dir, 'onnx'), { threads: 1 });
    const multi = scorer.score([{ query: 'And the square?', responses: RESPONSES, image: null, conversation: THREE_TURNS }]);
    await expect(multi).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/item 1 is a conversation \(system, user, assistant, user\); the ONNX export .* renders only one user turn/),
      hint: expect.stringMatching(/Python worker/),
    });
    const tools = [{ type: 'function', function: { name: 'realtime_aqi' } }];
    const withTools = scorer.score([{ query: 'q', responses: RESPONSES, image: null, conversation: { messages: [{ role: 'user', content: 'q' }], tools, images: [] } }]);
    await expect(withTools).rejects.toThrow(/\(user and 1 tool definition\(s\)\)/);
  });

  it('the HTTP API over the export answers a conversation with 400 and keeps scoring prompts', async () => {
    scorer ??= await OnnxRewardScorer.load(path.join(temp.dir, 'onnx'), { threads: 1 });
    const api = await startRewardApi({ host: '127.0.0.1', port: 0, model: { label: 'onnx', engine: 'onnx' }, scorer: Promise.resolve(scorer) });
    try {
      const post = async (body: unknown) => {
        const response = await fetch(`${api.url}/score`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
        return { status: response.status, json: (await response.json()) as { score?: number; error?: { message: string } } };
      };
      const refused = await post({ messages: THREE_TURNS.messages, response: 'Red.' });
      expect(refused.status).toBe(400);
      expect(refused.json.error?.message).toMatch(/renders only one user turn/);
      const plain = await post({ prompt: 'And the square?', response: 'Red.' });
      expect(plain.status).toBe(200);
      expect(Number.isFinite(plain.json.score)).toBe(true);
    } finally {
      await api.close();
    }
  });
});

describe('singleUserTurn (what an export can render)', () => {
  const png = Buffer.from('png bytes stand-in');
  const user = (content: ScoreConversation['messages'][number]['content']) => [{ role: 'user' as const, content }];
  it('takes one user turn with at most one leading image', () => {
    expect(singleUserTurn({ messages: user('q'), tools: null, images: [] })).toEqual({ query: 'q', image: null });
    expect(singleUserTurn({ messages: user([{ type: 'image' }, { type: 'text', text: 'q' }]), tools: null, images: [png] })).toEqual({ query: 'q', image: png });
  });
  it('refuses what the recorded layout would render differently', () => {
    expect(singleUserTurn({ messages: user([{ type: 'text', text: 'q' }, { type: 'image' }]), tools: null, images: [png] })).toBeNull();
    expect(singleUserTurn({ messages: user([{ type: 'image' }, { type: 'image' }, { type: 'text', text: 'q' }]), tools: null, images: [png, png] })).toBeNull();
    expect(singleUserTurn({ messages: [{ role: 'system', content: 's' }, ...user('q')], tools: null, images: [] })).toBeNull();
    expect(singleUserTurn({ messages: [{ role: 'tool', content: 'r' }], tools: null, images: [] })).toBeNull();
  });
});
