/**
 * `reward-studio serve-model` as a person runs it: a real process on a tiny checkpoint's run-style
 * folder, the URL and curl lines printed, seed 003's example answered, Ctrl-C (SIGINT) ending the
 * server and its Python worker with exit code 0.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../app/runs/worker-process';
import { fileTempDir, PYTHON } from '../runs/training-fixtures';
import { makeTinyCheckpoint } from './serving-fixtures';

const root = path.resolve(__dirname, '../..');
const bin = path.join(root, 'bin/reward-studio.mjs');
const temp = fileTempDir('rs-serve-model-');
let checkpoint: string;
let child: ChildProcess | null = null;

beforeAll(() => {
  checkpoint = makeTinyCheckpoint(temp.dir, { textOnly: true });
}, 600_000);

afterAll(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  temp.remove();
});

function workerPids(): number[] {
  // The score-server this test's CLI started (matched by its unique temp checkpoint path).
  const listed = spawnSync('pgrep', ['-f', `score-server --model_path ${checkpoint}`], { encoding: 'utf8' });
  return listed.stdout.split('\n').filter(Boolean).map(Number);
}

interface Served {
  proc: ChildProcess;
  url: string;
  output(): { stdout: string; stderr: string };
  exited: Promise<number | null>;
}

/** Starts `serve-model CHECKPOINT ARGS…` and waits for "Ready.". */
async function serve(args: string[], extraEnv: Record<string, string> = {}): Promise<Served> {
  const env = { ...process.env, REWARD_STUDIO_HOME: path.join(temp.dir, 'home'), ...extraEnv };
  const proc = spawn(process.execPath, [bin, 'serve-model', checkpoint, '--port', '0', '--python', PYTHON, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child = proc;
  let stdout = '';
  let stderr = '';
  proc.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  proc.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 300_000;
  while (!stdout.includes('Ready.')) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`serve-model did not get ready:\n${stdout}\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const url = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1] as string;
  return { proc, url, output: () => ({ stdout, stderr }), exited };
}

describe('reward-studio serve-model', () => {
  it('prints help, refuses a folder that is not a model', () => {
    const help = spawnSync(process.execPath, [bin, 'serve-model', '--help'], { encoding: 'utf8', timeout: 60_000 });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('POST /score-pair');
    const bad = spawnSync(process.execPath, [bin, 'serve-model', temp.dir, '--port', '0', '--python', PYTHON], { encoding: 'utf8', timeout: 60_000 });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/is not a reward model: it has no reward_config\.json/);
  });

  it('serves seed 003’s example and stops cleanly on SIGINT', async () => {
    const { proc, url, output, exited } = await serve([]);
    const { stdout } = output();
    expect(url).toBeTruthy();
    expect(stdout).toContain(`curl -X POST "${url}/score-pair"`);
    expect(stdout).toContain(`-d '{"prompt": "你的问题", "chosen": "好的回答", "rejected": "差的回答"}'`);

    const response = await fetch(`${url}/score-pair`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"prompt": "你的问题", "chosen": "好的回答", "rejected": "差的回答"}' });
    expect(response.status).toBe(200);
    const pair = (await response.json()) as Record<string, number | string>;
    expect(pair.margin).toBeCloseTo((pair.chosen_score as number) - (pair.rejected_score as number), 12);
    const health = (await (await fetch(`${url}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', engine: 'python', accepts_images: false });
    const withImage = await fetch(`${url}/score`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ prompt: 'q', response: 'a', image: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==' }),
    });
    expect(withImage.status).toBe(400); // a text-only model: a clear 400, not a worker error
    expect(output().stdout).toMatch(/POST \/score-pair 200 \d+ ms/);

    const workers = workerPids();
    expect(workers.length).toBe(1);
    proc.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output().stdout).toContain('Stopping.');
    expect(isProcessAlive(workers[0] as number)).toBe(false);
  }, 400_000);

  it('--api-key (or REWARD_STUDIO_API_KEY), --served-model-name, --no-batching: 401 without the key, the key never printed', async () => {
    const short = spawnSync(process.execPath, [bin, 'serve-model', checkpoint, '--port', '0', '--python', PYTHON, '--api-key', 'short'], { encoding: 'utf8', timeout: 60_000 });
    expect(short.status).toBe(2); // a usage error
    expect(short.stderr).toMatch(/API key must be at least 16 characters/);

    const key = 'cli-test-key-0123456789abcdef';
    const { proc, url, output, exited } = await serve(['--served-model-name', 'colour-rm', '--no-batching', '--max-batch-wait-ms', '5'], { REWARD_STUDIO_API_KEY: key });
    expect(output().stdout).toContain('(API key required)');
    expect(output().stdout).toContain('-H "Authorization: Bearer $REWARD_STUDIO_API_KEY"');
    expect(output().stdout).toContain(`--reward.remote_url ${url}/get_reward`);
    const body = JSON.stringify({ query: ['<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n'] });
    const headers = { 'Content-Type': 'application/json' };
    expect((await fetch(`${url}/get_reward`, { method: 'POST', headers, body })).status).toBe(401);
    const answered = await fetch(`${url}/get_reward`, { method: 'POST', headers: { ...headers, Authorization: `Bearer ${key}` }, body });
    expect(answered.status).toBe(200);
    expect(((await answered.json()) as { rewards: number[] }).rewards).toHaveLength(1);
    const models = (await (await fetch(`${url}/v1/models`, { headers: { Authorization: `Bearer ${key}` } })).json()) as { data: { id: string }[] };
    expect(models.data.map((model) => model.id)).toEqual(['colour-rm']);
    proc.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output().stdout + output().stderr).not.toContain(key);
  }, 400_000);
});
