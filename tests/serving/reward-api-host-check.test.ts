/**
 * `serve-model` and DNS rebinding (issue #13): a page on evil.example that re-points its name at
 * 127.0.0.1 could otherwise read the loopback API from a browser. Bound to loopback, the server
 * refuses every Host that is not a loopback name (421, the usual JSON error with a hint); bound to
 * another address it accepts any Host. Also: request targets `new URL` cannot parse are a 400, not
 * a crash or a 500. None of this reaches the model, so a stand-in scorer (the length of each
 * response) replaces the Python worker here; tests/serving/reward-api.test.ts scores for real.
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewardScorer } from '../../app/scoring/reward-scorer';
import { startRewardApi, type RewardApiServer } from '../../app/serving/reward-api-server';

const lengthScorer: RewardScorer = {
  engine: 'python',
  label: 'stand-in',
  acceptsImages: false,
  score: async (items) => items.map((item) => item.responses.map((response) => response.length)),
  close: async () => undefined,
};

interface Reply {
  status: number;
  json: { error?: { message: string; hint: string }; [key: string]: unknown };
}

/** A request to `api` (over 127.0.0.1) with the Host header set to `host` (node:http sends it as given). */
function call(api: RewardApiServer, host: string, method: 'GET' | 'POST', pathname: string, body?: unknown): Promise<Reply> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { Host: host, ...(text ? { 'Content-Type': 'application/json' } : {}) };
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: api.port, method, path: pathname, headers, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString() || '{}') as Reply['json'] }));
    });
    req.on('error', reject);
    req.end(text);
  });
}

/** A raw request, for targets node:http would not send as written; `host` null sends HTTP/1.0 without Host. */
function rawStatus(api: RewardApiServer, target: string, host: string | null = `127.0.0.1:${api.port}`): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(api.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString();
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0), text });
    });
    socket.write(host === null ? `GET ${target} HTTP/1.0\r\n\r\n` : `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  });
}

const score = { prompt: 'q', response: 'four' };

describe('bound to loopback', () => {
  let api: RewardApiServer;
  let keyed: RewardApiServer;

  beforeAll(async () => {
    api = await startRewardApi({ host: '127.0.0.1', port: 0, model: { label: 'stand-in', engine: 'python' }, scorer: Promise.resolve(lengthScorer) });
    keyed = await startRewardApi({ host: '127.0.0.1', port: 0, model: { label: 'stand-in', engine: 'python' }, scorer: Promise.resolve(lengthScorer), apiKey: 'k' });
  });

  afterAll(async () => {
    await api?.close();
    await keyed?.close();
  });

  it('refuses a Host that is not this machine with 421 and a hint, on every endpoint', async () => {
    for (const host of ['evil.example', `evil.example:${api.port}`, `127.0.0.1.evil.example:${api.port}`, `localhost.evil.example`, '[::2]', '10.0.0.1']) {
      for (const [method, pathname, body] of [['GET', '/health'], ['POST', '/score', score], ['GET', '/v1/models'], ['GET', '/nowhere']] as const) {
        const reply = await call(api, host, method, pathname, body);
        expect(reply.status, `${host} ${method} ${pathname}`).toBe(421);
        expect(reply.json.error?.message, host).toContain(host.slice(0, 20));
        expect(reply.json.error?.hint, host).toMatch(/127\.0\.0\.1.*--host/);
      }
    }
    // Before the API key is even looked at: the page learns nothing about the server.
    expect((await call(keyed, 'evil.example', 'GET', '/health')).status).toBe(421);
  });

  it('answers loopback names (localhost, 127.0.0.1, [::1], with or without the port) and clients that send no Host', async () => {
    for (const host of [`127.0.0.1:${api.port}`, `localhost:${api.port}`, 'LOCALHOST', `[::1]:${api.port}`, '127.0.0.1', `127.1.2.3:${api.port}`]) {
      expect((await call(api, host, 'GET', '/health')).status, host).toBe(200);
    }
    const scored = await call(api, `localhost:${api.port}`, 'POST', '/score', score);
    expect(scored.json).toEqual({ score: 4 });
    // HTTP/1.0 without Host (no browser sends that): not a rebinding page, served.
    expect((await rawStatus(api, '/health', null)).status).toBe(200);
  });

  it('answers a request target that is no path with a 400 JSON error and keeps serving', async () => {
    for (const target of ['//', '//evil.example/score', 'http://[bad', '*']) {
      const reply = await rawStatus(api, target);
      expect(reply.status, `${target}\n${reply.text}`).toBeGreaterThanOrEqual(400);
      expect(reply.status, `${target}\n${reply.text}`).toBeLessThan(500);
      expect(reply.text, target).toContain('"hint"');
    }
    expect((await rawStatus(api, 'http://[bad')).status).toBe(400);
    expect((await call(api, `127.0.0.1:${api.port}`, 'GET', '/health')).status).toBe(200);
  });
});

describe('bound to another address', () => {
  let api: RewardApiServer;

  beforeAll(async () => {
    api = await startRewardApi({ host: '0.0.0.0', port: 0, model: { label: 'stand-in', engine: 'python' }, scorer: Promise.resolve(lengthScorer) });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('accepts any Host: the person chose to be reached under other names', async () => {
    for (const host of ['gpu-box.internal:8000', 'evil.example', `127.0.0.1:${api.port}`]) {
      expect((await call(api, host, 'GET', '/health')).status, host).toBe(200);
    }
    expect((await call(api, 'reward.example', 'POST', '/score', score)).json).toEqual({ score: 4 });
  });
});
