/**
 * Reward-server throughput as an RL trainer loads it: many workers, each POSTing one templated
 * sample to /get_reward (OpenRLHF's remote reward) and waiting for the answer before sending the
 * next. Reported per concurrency level (1, 8, 64 clients by default), with dynamic batching on (the
 * default) and off (`serve-model --no-batching`: one worker call per request): requests per second,
 * latency p50/p95, and the mean number of sequences per worker call.
 *
 *   npm run bench:serve -- [--requests 1024] [--levels 1,8,64] [--max-batch-wait-ms 2] [--vl]
 *
 * The model is the tiny text-only Qwen2 checkpoint (CPU, PyTorch, the real Python worker), loaded
 * once and served by two servers in turn (batching on, then off) so both see the same warm worker.
 * Samples vary in length (8 to 40 words) so batches pad as real ones do. Each level first sends a
 * warm-up round that is not timed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadScorer } from '../app/scoring/load-scorer';
import { resolveModelFolder } from '../app/scoring/model-resolver';
import type { RewardScorer } from '../app/scoring/reward-scorer';
import { startRewardApi, type RewardApiServer } from '../app/serving/reward-api-server';
import { venvPython } from '../app/environment/python-interpreter';
import { makeTinyCheckpoint } from '../tests/serving/serving-fixtures';

interface LevelResult {
  batching: 'on' | 'off';
  clients: number;
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  sequencesPerCall: number;
}

const WORDS = 'the reward model reads every token of the answer and scores how helpful and correct it is for the question asked'.split(' ');

/** One OpenRLHF query: a Qwen chat rendered with its template, special tokens as text. */
function sample(index: number): string {
  const length = 8 + ((index * 7) % 33);
  const answer = Array.from({ length }, (_, i) => WORDS[(index + i * 3) % WORDS.length]).join(' ');
  return `<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nQuestion ${index}: explain rewards.<|im_end|>\n<|im_start|>assistant\n${answer}.<|im_end|>\n`;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function getReward(url: string, index: number): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/get_reward`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query: [sample(index)], prompts: [''], labels: [null] }) });
  const body = (await response.json()) as { rewards?: number[] };
  if (response.status !== 200 || !Number.isFinite(body.rewards?.[0])) throw new Error(`/get_reward answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return performance.now() - started;
}

/** `clients` closed-loop clients share `requests` requests; returns each request's latency. */
async function closedLoop(url: string, clients: number, requests: number, offset: number): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const client = async () => {
    while (next < requests) {
      const index = next++;
      latencies.push(await getReward(url, offset + index));
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return latencies;
}

async function measure(api: RewardApiServer, batching: 'on' | 'off', clients: number, requests: number): Promise<LevelResult> {
  await closedLoop(api.url, clients, Math.max(clients, 16), 100_000); // warm-up, not timed
  const before = api.batchStats();
  const started = performance.now();
  const latencies = await closedLoop(api.url, clients, requests, 0);
  const seconds = (performance.now() - started) / 1000;
  const after = api.batchStats();
  latencies.sort((a, b) => a - b);
  return {
    batching,
    clients,
    requests,
    seconds,
    requestsPerSecond: requests / seconds,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    sequencesPerCall: (after.sequences - before.sequences) / Math.max(1, after.calls - before.calls),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '1024' }, levels: { type: 'string', default: '1,8,64' }, vl: { type: 'boolean', default: false }, 'max-batch-wait-ms': { type: 'string' } } });
  const maxWaitMs = values['max-batch-wait-ms'] === undefined ? undefined : Number(values['max-batch-wait-ms']);
  const requests = Number(values.requests);
  const levels = (values.levels ?? '').split(',').map(Number);
  const dir = mkdtempSync(path.join(tmpdir(), 'rs-serve-bench-'));
  let scorer: RewardScorer | undefined;
  try {
    const checkpoint = makeTinyCheckpoint(dir, { textOnly: !values.vl });
    const model = resolveModelFolder(checkpoint);
    scorer = await loadScorer(model, { python: venvPython() });
    const results: LevelResult[] = [];
    for (const batching of ['on', 'off'] as const) {
      const api = await startRewardApi({ host: '127.0.0.1', port: 0, model: { label: model.label, engine: model.engine }, scorer: Promise.resolve(scorer), batching: { enabled: batching === 'on', ...(maxWaitMs === undefined ? {} : { maxWaitMs }) } });
      try {
        for (const clients of levels) results.push(await measure(api, batching, clients, requests));
      } finally {
        await api.close();
      }
    }
    console.log(`\nserve-model /get_reward, one sample per request, tiny ${values.vl ? 'Qwen2-VL' : 'text Qwen2'} on CPU (${cpus().length} cores), ${requests} requests per level\n`);
    console.log(`${'batching'.padEnd(9)}${'clients'.padStart(8)}${'req/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'seq/call'.padStart(10)}`);
    for (const r of results) {
      console.log(`${r.batching.padEnd(9)}${String(r.clients).padStart(8)}${r.requestsPerSecond.toFixed(1).padStart(9)}${r.p50Ms.toFixed(1).padStart(9)}${r.p95Ms.toFixed(1).padStart(9)}${r.sequencesPerCall.toFixed(1).padStart(10)}`);
    }
    console.log('');
    for (const clients of levels) {
      const on = results.find((r) => r.batching === 'on' && r.clients === clients);
      const off = results.find((r) => r.batching === 'off' && r.clients === clients);
      if (on && off) console.log(`${clients} clients: batching gives ${(on.requestsPerSecond / off.requestsPerSecond).toFixed(2)}x the requests per second`);
    }
    console.log(JSON.stringify({ results }));
  } finally {
    await scorer?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
