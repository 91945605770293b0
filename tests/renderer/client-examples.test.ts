/**
 * The Serve panel's per-client examples, checked the way a person would use them: every shell
 * snippet is run through bash and curl against a recording HTTP server (so its JSON body must
 * parse and its auth header must arrive exactly when there is a key), every Python snippet is run
 * by python3 with stand-ins for `requests` and `torch` that record the call, and the verl YAML is
 * read back into the keys verl looks up. Then the same requests go to the studio's real server
 * (startRewardApi with a stand-in scorer, no Python): it must accept every one of them with the
 * key, and refuse them without it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewardScorer, ScoreItem } from '../../app/scoring/reward-scorer';
import { startRewardApi, type RewardApiServer } from '../../app/serving/reward-api-server';
import { clientExamples, type ClientExample, type ClientSnippet } from '../../renderer/views/models/client-examples';
import { type ReceivedRequest, type RecordingServer, startRecordingServer } from './recording-server';

const run = promisify(execFile);
const KEY = '9f2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c0b2d4f6e8a1c3e5b7d9f0a2c4e6b8d0f';
const MODEL = 'colour step 8';

let recorder: RecordingServer;
let received: ReceivedRequest[];
let url: string;
let stubs: string;

beforeAll(async () => {
  recorder = await startRecordingServer();
  ({ url, received } = recorder);

  // Stand-ins that record what the snippet asks for and answer like the studio's server would.
  stubs = mkdtempSync(join(tmpdir(), 'rs-client-examples-'));
  writeFileSync(
    join(stubs, 'requests.py'),
    [
      'import json, sys',
      'class _Response:',
      '    def __init__(self, url):',
      '        self.url = url',
      '    def raise_for_status(self):',
      '        pass',
      '    def json(self):',
      '        if self.url.endswith("/get_reward"):',
      '            return {"rewards": [0.5], "scores": [0.5], "extra_logs": {}}',
      '        return {"data": [{"index": 0, "label": "LABEL_0", "probs": [0.25], "num_classes": 1}]}',
      'def post(url, json=None, headers=None, timeout=None, **kwargs):',
      '    sys.stdout.write(__import__("json").dumps({"url": url, "json": json, "headers": headers, "timeout": timeout}) + "\\n")',
      '    return _Response(url)',
      '',
    ].join('\n'),
  );
  writeFileSync(join(stubs, 'torch.py'), ['def tensor(values):', '    return list(values)', ''].join('\n'));
  writeFileSync(
    join(stubs, 'harness.py'),
    [
      'import json, sys',
      'sys.path.insert(0, sys.argv[1])',
      'namespace = {}',
      'exec(compile(open(sys.argv[2]).read(), "snippet.py", "exec"), namespace)',
      'if "reward_func" in namespace:',
      '    result = namespace["reward_func"](["<text>"], ["<prompt>"], [None])',
      'elif "compute_score" in namespace:',
      '    result = namespace["compute_score"]("colour", "The square is red.", None, extra_info={"question": "What color is the square?"})',
      'else:',
      '    result = namespace.get("rewards")',
      'print(json.dumps({"result": result}))',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await recorder.close();
  rmSync(stubs, { recursive: true, force: true });
});

interface PythonRun {
  calls: { url: string; json: Record<string, unknown>; headers: Record<string, string> | null; timeout: number | null }[];
  result: unknown;
}

async function runPython(snippet: ClientSnippet): Promise<PythonRun> {
  const file = join(stubs, `${snippet.id}.py`);
  writeFileSync(file, snippet.text);
  const { stdout } = await run('python3', [join(stubs, 'harness.py'), stubs, file]);
  const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  const last = lines.pop() as { result: unknown };
  return { calls: lines as PythonRun['calls'], result: last.result };
}

async function runShell(snippet: ClientSnippet): Promise<ReceivedRequest> {
  received.length = 0;
  const { stdout } = await run('bash', ['-c', snippet.text]);
  expect(stdout).toBe('{"ok":true}');
  expect(received).toHaveLength(1);
  return received[0] as ReceivedRequest;
}

/** The subset of YAML the verl example uses: nested mappings by two-space indent, scalar values. */
function readYaml(text: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  const stack: { indent: number; map: Record<string, unknown> }[] = [{ indent: -1, map: root }];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '');
    if (!line.trim() || line.trim().startsWith('#')) continue;
    const match = /^( *)([\w.-]+):(?: (.+))?$/.exec(line);
    if (!match) throw new Error(`not a YAML mapping line: ${JSON.stringify(raw)}`);
    const indent = (match[1] ?? '').length;
    if (indent % 2 !== 0) throw new Error(`odd indent: ${JSON.stringify(raw)}`);
    while ((stack[stack.length - 1] as { indent: number }).indent >= indent) stack.pop();
    const parent = (stack[stack.length - 1] as { map: Record<string, unknown> }).map;
    const key = match[2] as string;
    if (key in parent) throw new Error(`duplicate key ${key}`);
    if (match[3] === undefined) {
      const child: Record<string, unknown> = {};
      parent[key] = child;
      stack.push({ indent, map: child });
    } else {
      const value = match[3].trim();
      parent[key] = value === 'true' ? true : value === 'false' ? false : value;
    }
  }
  return root;
}

function byId(examples: ClientExample[]): Map<string, ClientSnippet> {
  return new Map(examples.flatMap((example) => example.snippets.map((snippet) => [snippet.id, snippet] as const)));
}

describe.each([
  { label: 'without a key', apiKey: null },
  { label: 'with a key', apiKey: KEY },
])('client examples $label', ({ apiKey }) => {
  const header = apiKey ? `Bearer ${apiKey}` : undefined;

  it('offers every client, each snippet with the real URL, snippet ids unique', () => {
    const examples = clientExamples({ url: `${url}/`, model: MODEL, apiKey });
    expect(examples.map((example) => example.id)).toEqual(['curl', 'openrlhf', 'verl', 'vllm', 'tei', 'llamafactory']);
    const snippets = examples.flatMap((example) => example.snippets);
    expect(new Set(snippets.map((snippet) => snippet.id)).size).toBe(snippets.length);
    for (const snippet of snippets) {
      if (snippet.language === 'yaml') continue; // the config names the reward function file, which holds the URL
      expect(snippet.text, snippet.id).toContain(url);
      expect(snippet.text, snippet.id).not.toContain(`${url}//`);
    }
  });

  it('puts the auth header in exactly the snippets that make requests, and only when there is a key', () => {
    for (const snippet of clientExamples({ url, model: MODEL, apiKey }).flatMap((example) => example.snippets)) {
      const requests = snippet.language === 'shell' || snippet.language === 'python';
      expect(snippet.text.includes('Authorization'), snippet.id).toBe(Boolean(apiKey) && requests);
      expect(snippet.text.includes(KEY), snippet.id).toBe(Boolean(apiKey) && requests);
    }
  });

  it('curl, TEI and LLaMA-Factory commands post valid JSON to the right endpoint when pasted into bash', async () => {
    const snippets = byId(clientExamples({ url, model: MODEL, apiKey }));
    const expected: Record<string, { path: string; body: unknown }> = {
      score: { path: '/score', body: { prompt: 'What color is the square?', response: 'The square is red.' } },
      'score-pair': { path: '/score-pair', body: { prompt: expect.any(String), chosen: expect.any(String), rejected: expect.any(String) } },
      'get-reward': { path: '/get_reward', body: { query: [expect.stringContaining('<|im_start|>assistant\nThe square is red.<|im_end|>')] } },
      'tei-predict': { path: '/predict', body: { inputs: expect.stringContaining('<|im_end|>'), raw_scores: true } },
      'tei-pair': { path: '/predict', body: { inputs: ['What color is the square?', 'The square is red.'], raw_scores: true } },
      'llamafactory-score': { path: '/v1/score/evaluation', body: { model: MODEL, messages: [expect.stringContaining('<|im_start|>user\n')] } },
    };
    const shell = [...snippets.values()].filter((snippet) => snippet.language === 'shell');
    expect(shell.map((snippet) => snippet.id).sort()).toEqual(Object.keys(expected).sort());
    for (const snippet of shell) {
      const got = await runShell(snippet);
      expect(got, snippet.id).toEqual({ method: 'POST', type: 'application/json', authorization: header, ...expected[snippet.id] });
    }
  });

  it('OpenRLHF: the remote URL flag, and with a key a reward function that sends it', async () => {
    const openrlhf = clientExamples({ url, model: MODEL, apiKey }).find((example) => example.id === 'openrlhf') as ClientExample;
    expect(openrlhf.snippets[0]?.text).toBe(`--reward.remote_url ${url}/get_reward`);
    expect(openrlhf.snippets[0]?.title).toContain('--remote_rm_url');
    expect(openrlhf.notes.join(' ')).toMatch(/end-of-turn token of (that|the) templated text/);
    const func = openrlhf.snippets.find((snippet) => snippet.id === 'openrlhf-func');
    if (!apiKey) {
      expect(func).toBeUndefined();
      return;
    }
    const { calls, result } = await runPython(func as ClientSnippet);
    expect(calls).toEqual([{ url: `${url}/get_reward`, json: { query: ['<text>'] }, headers: { Authorization: header }, timeout: 600 }]);
    expect(result).toEqual({ rewards: [0.5], scores: [0.5] });
  });

  it('verl: a config naming the reward function, which asks /classify for the raw reward', async () => {
    const snippets = byId(clientExamples({ url, model: MODEL, apiKey }));
    const config = readYaml((snippets.get('verl-config') as ClientSnippet).text);
    expect(config).toEqual({ reward: { custom_reward_function: { path: 'studio_reward.py', name: 'compute_score' }, reward_model: { enable: false } } });
    const { calls, result } = await runPython(snippets.get('verl-func') as ClientSnippet);
    expect(calls).toEqual([
      {
        url: `${url}/classify`,
        json: {
          model: MODEL,
          messages: [
            { role: 'user', content: 'What color is the square?' },
            { role: 'assistant', content: 'The square is red.' },
          ],
          activation: false,
        },
        headers: apiKey ? { Authorization: header } : null,
        timeout: 600,
      },
    ]);
    expect(result).toBe(0.25);
  });

  it('vLLM: requests.post to /classify with the model, the rendered input and the raw reward', async () => {
    const { calls, result } = await runPython(byId(clientExamples({ url, model: MODEL, apiKey })).get('vllm-classify') as ClientSnippet);
    expect(calls).toEqual([
      { url: `${url}/classify`, json: { model: MODEL, input: [expect.stringMatching(/^<\|im_start\|>user\n.*<\|im_end\|>\n$/s)], use_activation: false }, headers: apiKey ? { Authorization: header } : null, timeout: 600 },
    ]);
    expect(result).toEqual([0.25]);
  });
});

describe('client examples against the real reward-model API', () => {
  const REWARD = 0.75;
  let api: RewardApiServer;
  const scored: ScoreItem[] = [];

  beforeAll(async () => {
    const scorer: RewardScorer = {
      engine: 'python',
      label: MODEL,
      acceptsImages: false,
      async score(items) {
        scored.push(...items);
        return items.map((item) => item.responses.map(() => REWARD));
      },
      async close() {},
    };
    api = await startRewardApi({ host: '127.0.0.1', port: 0, model: { label: MODEL, engine: 'python' }, scorer: Promise.resolve(scorer), apiKey: KEY });
  });

  afterAll(async () => {
    await api.close();
  });

  it('answers every shell snippet with the key, and 401 without it', async () => {
    const shell = clientExamples({ url: api.url, model: MODEL, apiKey: KEY })
      .flatMap((example) => example.snippets)
      .filter((snippet) => snippet.language === 'shell');
    expect(shell.length).toBeGreaterThanOrEqual(6);
    /** The body, then the status code on a line of its own. */
    const post = async (command: string) => {
      const { stdout } = await run('bash', ['-c', command.replace(/^curl -s /, "curl -s -w '\\n%{http_code}' ")]);
      const lines = stdout.split('\n');
      return { status: lines.pop(), body: lines.join('\n') };
    };
    for (const snippet of shell) {
      const answer = await post(snippet.text);
      expect(answer.status, `${snippet.id}: ${answer.body}`).toBe('200');
      expect(answer.body, snippet.id).toContain(String(REWARD));
      const withoutKey = snippet.text.replace(/ \\\n  -H 'Authorization: Bearer [0-9a-f]+'/, '');
      expect(withoutKey).not.toContain('Authorization');
      expect((await post(withoutKey)).status, snippet.id).toBe('401');
    }
  });

  it('accepts the requests the Python snippets make, and reads the reward where they look for it', async () => {
    const snippets = byId(clientExamples({ url: api.url, model: MODEL, apiKey: KEY }));
    for (const id of ['openrlhf-func', 'verl-func', 'vllm-classify']) {
      const { calls } = await runPython(snippets.get(id) as ClientSnippet);
      for (const call of calls) {
        const response = await fetch(call.url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...call.headers }, body: JSON.stringify(call.json) });
        const answer = (await response.json()) as { rewards?: number[]; data?: { probs: number[] }[] };
        expect(response.status, `${id}: ${JSON.stringify(answer)}`).toBe(200);
        const reward = id === 'openrlhf-func' ? answer.rewards?.[0] : answer.data?.[0]?.probs[0];
        expect(reward, id).toBe(REWARD); // the raw reward: no sigmoid applied
      }
    }
  });
});
