/**
 * Conversations scored with ONNX exports in Node: a three-turn conversation with a system prompt (tiny
 * text export) and one with the image in the second user turn (tiny VL export) score as the Python
 * worker's `score` does on the same conversation in a data file (|diff| < 1e-3), through the scorer
 * and the HTTP API. What the exported template pieces cannot render — tools, tool calls and results,
 * an export made before conversations — is refused with what to do, never scored as its last question.
 */
import { readFileSync, writeFileSync, cpSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxScoring } from '../../app/evaluation/onnx-scoring';
import type { ScoringJob } from '../../app/evaluation/scoring-engine';
import type { ModelExport } from '../../app/scoring/types';
import { OnnxRewardScorer, singleUserTurn } from '../../app/onnx/onnx-reward-scorer';
import type { ScoreConversation, ScoreItem, ScoreMessage } from '../../app/scoring/reward-scorer';
import { startRewardApi } from '../../app/serving/reward-api-server';
import { makeTinyCheckpoint } from '../serving/serving-fixtures';
import { fileTempDir } from '../runs/training-fixtures';
import { exportOnnx, pythonScores } from './onnx-fixtures';

const temp = fileTempDir('rs-onnx-conversation-');
const scorers: OnnxRewardScorer[] = [];

const RESPONSES = ['The grass is darker.', 'I think the sky, it is dark at night.'];
const THREE_TURNS: ScoreMessage[] = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'What colour is the sky?' },
  { role: 'assistant', content: 'It is blue.' },
  { role: 'user', content: [{ type: 'text', text: 'And the grass?' }] },
  { role: 'assistant', content: 'It is green.' },
  { role: 'user', content: 'Which one is darker?' },
];

function conversationItem(messages: ScoreMessage[], images: Buffer[] = [], tools: Record<string, unknown>[] | null = null): ScoreItem {
  return { query: 'label only', responses: RESPONSES, image: null, conversation: { messages, tools, images } };
}

async function load(dir: string): Promise<OnnxRewardScorer> {
  const scorer = await OnnxRewardScorer.load(dir, { threads: 1 });
  scorers.push(scorer);
  return scorer;
}

/** `python -m reward_studio score` on seed-format rows (the Python worker, PyTorch). */
function python(checkpoint: string, rows: unknown[], name: string): number[][] {
  const data = path.join(temp.dir, `${name}.jsonl`);
  writeFileSync(data, rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
  return pythonScores(checkpoint, data, path.join(temp.dir, `${name}-scores.jsonl`));
}

function maxAbsDiff(a: number[][], b: number[][]): number {
  expect(a.map((row) => row.length)).toEqual(b.map((row) => row.length));
  return Math.max(...a.flatMap((row, i) => row.map((value, j) => Math.abs(value - (b[i]?.[j] as number)))));
}

afterAll(async () => {
  for (const scorer of scorers) await scorer.close();
  temp.remove();
});

describe('tiny text export', () => {
  let checkpoint: string;
  let exportDir: string;
  beforeAll(() => {
    checkpoint = makeTinyCheckpoint(path.join(temp.dir, 'text'), { textOnly: true });
    exportDir = exportOnnx(checkpoint, path.join(temp.dir, 'text', 'onnx')).output;
  }, 600_000);

  it('scores a three-turn conversation with a system prompt like the Python worker', async () => {
    const scorer = await load(exportDir);
    const otherSystem: ScoreMessage[] = [{ role: 'system', content: 'Answer in one word.' }, ...THREE_TURNS.slice(1)];
    const oneTurn: ScoreMessage[] = [{ role: 'user', content: 'Which one is darker?' }];
    const got = await scorer.score([conversationItem(THREE_TURNS), conversationItem(otherSystem), conversationItem(oneTurn)]);
    const expected = python(checkpoint, [THREE_TURNS, otherSystem, oneTurn].map((messages, i) => ({ id: `c${i}`, messages, response: RESPONSES })), 'text-conversations');
    expect(maxAbsDiff(got, expected)).toBeLessThan(1e-3);
    // The earlier turns reached the graph: another system prompt, or the last question alone, scores differently.
    expect(got[0]?.[0]).not.toBeCloseTo(got[1]?.[0] as number, 4);
    const [asQuery] = await scorer.score([{ query: 'Which one is darker?', responses: RESPONSES, image: null }]);
    expect(got[2]).toEqual(asQuery);
    expect(got[0]?.[0]).not.toBeCloseTo(asQuery?.[0] as number, 4);
  }, 300_000);

  it('the ONNX evaluation engine scores a frozen data file\'s conversation, not its last question', async () => {
    const data = path.join(temp.dir, 'eval-data.jsonl');
    const rows = [
      { id: 'conv', query: 'Which one is darker?', messages: THREE_TURNS, response: RESPONSES, human_ranking: [0, 1] },
      { id: 'plain', query: 'Which one is darker?', response: RESPONSES, human_ranking: [0, 1] },
    ];
    writeFileSync(data, rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
    const engine = new OnnxScoring({ projectDir: temp.dir, load: (dir) => load(dir) });
    const resultsFile = path.join(temp.dir, 'eval-results.jsonl');
    // The engine finds exports under the project's exports/; point it at this test's export directly.
    const exported: ModelExport = {
      id: 'tiny-onnx', format: 'onnx', path: exportDir, checkpointId: 1, runName: 'tiny', step: 1,
      createdAt: new Date().toISOString(), sizeBytes: 0, verifyMaxAbsDiff: null, note: null, loadsWith: null,
    };
    engine.exportOf = () => exported;
    const job: ScoringJob = {
      evaluationId: 1, dir: temp.dir, dataFile: data, resultsFile, checkpointId: 1, checkpointPath: checkpoint, runConfig: {}, total: rows.length,
    };
    const running = await engine.start(job, () => undefined);
    await running.finished;
    const results = readFileSync(resultsFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { id: string; scores: number[] });
    const expected = python(checkpoint, rows, 'eval-conversations');
    expect(maxAbsDiff(results.map((row) => row.scores), expected)).toBeLessThan(1e-3);
    expect(results[0]?.scores[0]).not.toBeCloseTo(results[1]?.scores[0] as number, 4);
  }, 300_000);

  it('refuses tools, tool calls and tool results, saying to use the Python worker', async () => {
    const scorer = await load(exportDir);
    const tools = [{ type: 'function', function: { name: 'realtime_aqi' } }];
    await expect(scorer.score([conversationItem(THREE_TURNS, [], tools)])).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/item 1 is a conversation \(system, user, assistant, user, assistant, user and 1 tool definition\(s\)\) the ONNX export .* cannot render .*: it has tool definitions/),
      hint: expect.stringMatching(/Python worker/),
    });
    const called: ScoreMessage[] = [THREE_TURNS[1] as ScoreMessage, { role: 'tool_call', content: '{"name": "realtime_aqi", "arguments": {}}' }, { role: 'tool', content: '10' }];
    await expect(scorer.score([conversationItem(called)])).rejects.toThrow(/it has a tool_call message/);
    await expect(scorer.score([conversationItem(THREE_TURNS.slice(0, 3))])).rejects.toThrow(/it ends with a assistant message/);
  });

  it('an export made before conversations still scores one user turn and refuses the rest', async () => {
    const old = path.join(temp.dir, 'text', 'onnx-old');
    cpSync(exportDir, old, { recursive: true });
    const configFile = path.join(old, 'onnx_config.json');
    const { conversation: _dropped, ...config } = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(configFile, JSON.stringify(config));
    const scorer = await load(old);
    const [single] = await scorer.score([conversationItem([{ role: 'user', content: 'Which one is darker?' }])]);
    const [asQuery] = await scorer.score([{ query: 'Which one is darker?', responses: RESPONSES, image: null }]);
    expect(single).toEqual(asQuery);
    await expect(scorer.score([conversationItem(THREE_TURNS)])).rejects.toThrow(/this export has no conversation layout/);
  });

  it('the HTTP API over the export scores messages and answers tools with 400', async () => {
    const scorer = await load(exportDir);
    const api = await startRewardApi({ host: '127.0.0.1', port: 0, model: { label: 'onnx', engine: 'onnx' }, scorer: Promise.resolve(scorer) });
    try {
      const post = async (body: unknown) => {
        const response = await fetch(`${api.url}/score-batch`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
        return { status: response.status, json: (await response.json()) as { results?: { scores: number[] }[]; error?: { message: string } } };
      };
      const openAi = [{ role: 'developer', content: 'You are a helpful assistant.' }, ...THREE_TURNS.slice(1)];
      const scored = await post({ items: [{ messages: openAi, responses: RESPONSES }] });
      expect(scored.status).toBe(200);
      const [direct] = await scorer.score([conversationItem(THREE_TURNS)]);
      expect(scored.json.results?.[0]?.scores).toEqual(direct);
      const refused = await post({ items: [{ messages: openAi, tools: [{ type: 'function', function: { name: 'f' } }], responses: RESPONSES }] });
      expect(refused.status).toBe(400);
      expect(refused.json.error?.message).toMatch(/it has tool definitions/);
    } finally {
      await api.close();
    }
  });
});

describe('tiny VL export', () => {
  it('scores a conversation with the image in the second user turn like the Python worker', async () => {
    const dir = path.join(temp.dir, 'vl');
    const checkpoint = makeTinyCheckpoint(dir);
    const exported = exportOnnx(checkpoint, path.join(dir, 'onnx')).output;
    const scorer = await load(exported);
    const png = await sharp({ create: { width: 56, height: 56, channels: 3, background: { r: 200, g: 30, b: 30 } } }).png().toBuffer();
    writeFileSync(path.join(dir, 'red.png'), png);
    const messages: ScoreMessage[] = [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'I will show you a square.' },
      { role: 'assistant', content: 'Please show me.' },
      { role: 'user', content: [{ type: 'text', text: 'Here: ' }, { type: 'image' }, { type: 'text', text: ' What colour is it?' }] },
    ];
    const got = await scorer.score([conversationItem(messages, [png])]);
    const expected = python(checkpoint, [{ id: 'v', image: [path.join(dir, 'red.png')], messages, response: RESPONSES }], 'vl-conversation');
    expect(maxAbsDiff(got, expected)).toBeLessThan(1e-3);
    // The pixels reach the image tokens in the second turn: another colour scores differently.
    const blue = await sharp({ create: { width: 56, height: 56, channels: 3, background: { r: 30, g: 30, b: 200 } } }).png().toBuffer();
    const [other] = await scorer.score([conversationItem(messages, [blue])]);
    expect(other?.[0]).not.toBeCloseTo(got[0]?.[0] as number, 4);
    const twoImages: ScoreMessage[] = [...messages.slice(0, 3), { role: 'user', content: [{ type: 'image' }, { type: 'image' }, { type: 'text', text: 'Same?' }] }];
    await expect(scorer.score([conversationItem(twoImages, [png, png])])).rejects.toThrow(/it has 2 images; the export takes one per item/);
  }, 600_000);
});

describe('singleUserTurn (the query layout of an export without conversation pieces)', () => {
  const png = Buffer.from('png bytes stand-in');
  const user = (content: ScoreMessage['content']): ScoreConversation['messages'] => [{ role: 'user', content }];
  it('takes one user turn with at most one leading image', () => {
    expect(singleUserTurn({ messages: user('q'), tools: null, images: [] })).toEqual({ query: 'q', image: null });
    expect(singleUserTurn({ messages: user([{ type: 'image' }, { type: 'text', text: 'q' }]), tools: null, images: [png] })).toEqual({ query: 'q', image: png });
  });
  it('refuses what the query layout would render differently', () => {
    expect(singleUserTurn({ messages: user([{ type: 'text', text: 'q' }, { type: 'image' }]), tools: null, images: [png] })).toBeNull();
    expect(singleUserTurn({ messages: user([{ type: 'image' }, { type: 'image' }, { type: 'text', text: 'q' }]), tools: null, images: [png, png] })).toBeNull();
    expect(singleUserTurn({ messages: [{ role: 'system', content: 's' }, ...user('q')], tools: null, images: [] })).toBeNull();
    expect(singleUserTurn({ messages: user('q'), tools: [{ type: 'function', function: { name: 'f' } }], images: [] })).toBeNull();
  });
});
