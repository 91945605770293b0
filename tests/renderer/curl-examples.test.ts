/**
 * The Serve panel's curl examples are run for real through bash and curl against a local HTTP
 * server, which records what arrived: the copyable text must be a working command, with the API
 * key's header exactly when there is a key.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curlExamples } from '../../renderer/views/models/curl-examples';

const run = promisify(execFile);
const received: { path: string; type: string; authorization: string | undefined; body: unknown }[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', type: request.headers['content-type'] ?? '', authorization: request.headers.authorization, body: JSON.parse(body) as unknown });
      response.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

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
      { path: '/score', type: 'application/json', authorization: undefined, body: { prompt: expect.any(String), response: expect.any(String) } },
      { path: '/score-pair', type: 'application/json', authorization: undefined, body: { prompt: expect.any(String), chosen: expect.any(String), rejected: expect.any(String) } },
      { path: '/get_reward', type: 'application/json', authorization: undefined, body: { query: [expect.stringMatching(/<\|im_start\|>assistant\n.+<\|im_end\|>\n$/)] } },
    ]);
  });

  it('send the API key as a bearer header, intact even with a quote in it', async () => {
    received.length = 0;
    const key = `k3y'with"quotes&$HOME!`;
    for (const example of curlExamples(base, key)) await run('bash', ['-c', example.command]);
    expect(received.map((request) => request.authorization)).toEqual([`Bearer ${key}`, `Bearer ${key}`, `Bearer ${key}`]);
  });
});
