/**
 * The Serve panel's curl examples are run for real through bash and curl against a local HTTP
 * server, which records what arrived: the copyable text must be a working command, with the API
 * key's header exactly when there is a key.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curlExamples } from '../../renderer/views/models/curl-examples';
import { type ReceivedRequest, type RecordingServer, startRecordingServer } from './recording-server';

const run = promisify(execFile);
let recorder: RecordingServer;
let received: ReceivedRequest[];
let base: string;

beforeAll(async () => {
  recorder = await startRecordingServer();
  received = recorder.received;
  base = `${recorder.url}/`;
});

afterAll(() => recorder.close());

describe('curl examples', () => {
  it('post seed 003 shaped bodies to /score and /score-pair, and rendered texts to /get_reward, when pasted into a shell', async () => {
    received.length = 0;
    const examples = curlExamples(base);
    expect(examples.map((example) => example.id)).toEqual(['score', 'score-pair', 'get-reward']);
    for (const example of examples) {
      expect(example.command).not.toContain('Authorization');
      const { stdout } = await run('bash', ['-c', example.command]);
      expect(stdout).toBe('{"ok":true}');
    }
    expect(received).toEqual([
      { method: 'POST', path: '/score', type: 'application/json', authorization: undefined, body: { prompt: expect.any(String), response: expect.any(String) } },
      { method: 'POST', path: '/score-pair', type: 'application/json', authorization: undefined, body: { prompt: expect.any(String), chosen: expect.any(String), rejected: expect.any(String) } },
      { method: 'POST', path: '/get_reward', type: 'application/json', authorization: undefined, body: { query: [expect.stringMatching(/<\|im_start\|>assistant\n.+<\|im_end\|>\n$/)] } },
    ]);
  });

  it('send the API key as a bearer header, intact even with a quote in it', async () => {
    received.length = 0;
    const key = `k3y'with"quotes&$HOME!`;
    for (const example of curlExamples(base, key)) await run('bash', ['-c', example.command]);
    expect(received.map((request) => request.authorization)).toEqual([`Bearer ${key}`, `Bearer ${key}`, `Bearer ${key}`]);
  });
});
