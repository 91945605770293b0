/**
 * The browser transport against a scripted socket: request ids and the pending map, events,
 * pending calls rejected when the socket drops, reconnect with backoff, and the client error
 * carrying the envelope's code, message and hint.
 */
import { describe, expect, it } from 'vitest';
import { StudioClient } from '../../renderer/client/studio-client';
import { StudioClientError } from '../../renderer/client/studio-client-error';
import { webSocketUrl, WsTransport, type SocketLike } from '../../renderer/client/ws-transport';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: { type: string; id: number; name: string; input: unknown }[] = [];
  onopen: SocketLike['onopen'] = null;
  onclose: SocketLike['onclose'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onerror: SocketLike['onerror'] = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data) as FakeSocket['sent'][number]);
  }
  close(): void {
    this.drop();
  }
  open(): void {
    this.readyState = 1;
    (this.onopen as ((ev: Event) => void) | null)?.(new Event('open'));
  }
  drop(code = 1006): void {
    this.readyState = 3;
    (this.onclose as ((ev: unknown) => void) | null)?.({ code, reason: code === 4401 ? 'link revoked' : '' });
  }
  receive(message: unknown): void {
    (this.onmessage as ((ev: { data: string }) => void) | null)?.({ data: JSON.stringify(message) });
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const transport = new WsTransport({
    origin: 'http://127.0.0.1:8420',
    token: 'secret token',
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    backoffMs: (attempt) => attempt * 100,
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => {},
  });
  const client = new StudioClient(transport);
  const socket = (index = sockets.length - 1): FakeSocket => {
    const found = sockets[index];
    if (!found) throw new Error(`no socket ${index}`);
    return found;
  };
  return { transport, client, sockets, timers, socket };
}

describe('WsTransport', () => {
  it('builds the WebSocket URL from the page origin with the token', () => {
    expect(webSocketUrl('http://127.0.0.1:8420', 'a b')).toBe('ws://127.0.0.1:8420/ws?token=a+b');
    expect(webSocketUrl('https://studio.example', null)).toBe('wss://studio.example/ws');
  });

  it('queues calls until the first open, then matches results by id', async () => {
    const { client, socket } = setup();
    const first = client.invoke('projects.current', {});
    const second = client.invoke('projects.recent', {});
    expect(socket().sent).toHaveLength(0);
    socket().open();
    const [a, b] = socket().sent;
    expect(a?.name).toBe('projects.current');
    expect(b?.name).toBe('projects.recent');
    expect(a?.id).not.toBe(b?.id);
    socket().receive({ type: 'result', id: b?.id, envelope: { ok: true, result: [] } });
    socket().receive({ type: 'result', id: a?.id, envelope: { ok: true, result: null } });
    await expect(second).resolves.toEqual([]);
    await expect(first).resolves.toBeNull();
  });

  it('throws a StudioClientError with the envelope code, message and hint', async () => {
    const { client, socket } = setup();
    socket().open();
    const call = client.invoke('projects.open', { dir: '/nope' });
    const sent = socket().sent[0];
    socket().receive({
      type: 'result',
      id: sent?.id,
      envelope: { ok: false, error: { code: 'not_a_project', message: '/nope is not a project.', hint: 'Create one.' } },
    });
    const error = await call.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StudioClientError);
    expect(error).toMatchObject({ code: 'not_a_project', message: '/nope is not a project.', hint: 'Create one.', command: 'projects.open' });
  });

  it('delivers events to listeners of that name only', () => {
    const { client, socket } = setup();
    socket().open();
    const seen: unknown[] = [];
    const off = client.on('projects.onChanged', (payload) => seen.push(payload));
    client.on('dataset.onImportProgress', () => seen.push('wrong'));
    socket().receive({ type: 'event', name: 'projects.onChanged', payload: null });
    off();
    socket().receive({ type: 'event', name: 'projects.onChanged', payload: null });
    expect(seen).toEqual([null]);
  });

  it('rejects pending calls when the socket closes, reconnects with backoff, and reports status', async () => {
    const { client, transport, sockets, timers, socket } = setup();
    const states: string[] = [];
    transport.onStatus((status) => states.push(`${status.state}:${status.failedAttempts}`));
    socket().open();
    const pending = client.invoke('projects.current', {});
    socket().drop();
    await expect(pending).rejects.toMatchObject({ code: 'disconnected' });
    // While down, new calls fail fast instead of hanging.
    await expect(client.invoke('projects.recent', {})).rejects.toMatchObject({ code: 'disconnected' });
    expect(timers.at(-1)?.ms).toBe(100);
    timers.at(-1)?.fn();
    expect(sockets).toHaveLength(2);
    socket().drop();
    expect(timers.at(-1)?.ms).toBe(200);
    timers.at(-1)?.fn();
    socket().open();
    expect(states).toEqual(['connecting:0', 'open:0', 'reconnecting:1', 'reconnecting:2', 'open:0']);
  });

  it('stops for good when the server closes with 4401 (a revoked or expired link)', async () => {
    const { client, transport, sockets, timers, socket } = setup();
    const states: string[] = [];
    transport.onStatus((status) => states.push(status.state));
    socket().open();
    const pending = client.invoke('projects.current', {});
    socket().drop(4401);
    await expect(pending).rejects.toMatchObject({ code: 'disconnected' });
    await expect(client.invoke('projects.current', {})).rejects.toMatchObject({ code: 'disconnected' });
    expect(timers).toHaveLength(0);
    transport.reconnectNow();
    expect(sockets).toHaveLength(1);
    expect(states).toEqual(['connecting', 'open', 'revoked']);
  });

  it('gives media URLs under /files/ with the token, segments encoded', () => {
    const { client } = setup();
    expect(client.mediaUrl('media/ab/a b#1.png')).toBe('/files/media/ab/a%20b%231.png?token=secret%20token');
  });
});
