/**
 * The annotation outbox over the real WebSocket transport and a scripted socket (issue #13):
 * an action whose answer was lost stays queued and is resent with the same id after the
 * reconnect; actions made while down wait and go one at a time, in order; a refusal leaves the
 * queue; actions an earlier page left in storage go first.
 */
import { describe, expect, it } from 'vitest';
import { ActionOutbox } from '../../renderer/client/action-outbox';
import { MemoryOutboxStorage, type StoredAction } from '../../renderer/client/outbox-storage';
import { StudioClient } from '../../renderer/client/studio-client';
import { WsTransport, type SocketLike } from '../../renderer/client/ws-transport';

interface Sent {
  id: number;
  name: string;
  input: { actionId?: string; itemId?: string };
}

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Sent[] = [];
  onopen: SocketLike['onopen'] = null;
  onclose: SocketLike['onclose'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onerror: SocketLike['onerror'] = null;
  send(data: string): void {
    this.sent.push(JSON.parse(data) as Sent);
  }
  close(): void {
    this.drop();
  }
  open(): void {
    this.readyState = 1;
    (this.onopen as ((ev: Event) => void) | null)?.(new Event('open'));
  }
  drop(): void {
    this.readyState = 3;
    (this.onclose as ((ev: unknown) => void) | null)?.({ code: 1006 });
  }
  answer(call: Sent, envelope: unknown): void {
    (this.onmessage as ((ev: { data: string }) => void) | null)?.({ data: JSON.stringify({ type: 'result', id: call.id, envelope }) });
  }
  emit(name: string, payload: unknown): void {
    (this.onmessage as ((ev: { data: string }) => void) | null)?.({ data: JSON.stringify({ type: 'event', name, payload }) });
  }
}

/** Lets storage writes and promise chains run. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

function setup(storage = new MemoryOutboxStorage(), orphans: unknown[] = []) {
  const sockets: FakeSocket[] = [];
  const timers: (() => void)[] = [];
  const transport = new WsTransport({
    origin: 'http://127.0.0.1:8420',
    token: 'kept-token-0123456789abcdef',
    createSocket: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
    backoffMs: () => 100,
    setTimer: (fn) => timers.push(fn),
    clearTimer: () => {},
  });
  const client = new StudioClient(transport);
  let ids = 0;
  const outbox = new ActionOutbox(client, { storage, newId: () => `action-${String(++ids).padStart(4, '0')}`, onOrphanError: (error) => orphans.push(error) });
  const socket = (): FakeSocket => sockets[sockets.length - 1] as FakeSocket;
  /** The backoff timer fires and the new socket opens. */
  const reconnect = async (): Promise<void> => {
    timers.shift()?.();
    socket().open();
    await settle();
  };
  return { outbox, socket, sockets, reconnect, storage };
}

const save = (itemId: string) => ({ itemId, annotator: 'ana', ranking: [0, 1] });
const item = (id: string) => ({ ok: true, result: { id, judgments: [] } });

describe('ActionOutbox', () => {
  it('resends an action whose answer was lost with the same id, then the ones made while down, in order', async () => {
    const { outbox, socket, reconnect, storage } = setup();
    socket().open();
    const first = outbox.send('judgments.save', save('p1'), null);
    await settle();
    const lost = socket().sent[0] as Sent;
    expect(lost.input.actionId).toBe('action-0001');
    socket().drop();
    const second = outbox.send('judgments.save', save('p2'), null);
    const undo = outbox.send('judgments.undo', { annotator: 'ana' }, null);
    await settle();
    expect(outbox.getState()).toEqual({ pending: 3, stalled: true });
    expect((await storage.load()).map((action) => action.actionId)).toEqual(['action-0001', 'action-0002', 'action-0003']);

    await reconnect();
    // One at a time: the undo must not overtake the judgment it may take back.
    expect(socket().sent.map((call) => [call.name, call.input.actionId])).toEqual([['judgments.save', 'action-0001']]);
    socket().answer(socket().sent[0] as Sent, item('p1'));
    await settle();
    socket().answer(socket().sent[1] as Sent, item('p2'));
    await settle();
    expect(socket().sent[2]?.name).toBe('judgments.undo');
    socket().answer(socket().sent[2] as Sent, { ok: true, result: { undone: null, item: null } });
    await expect(first).resolves.toMatchObject({ id: 'p1' });
    await expect(second).resolves.toMatchObject({ id: 'p2' });
    await expect(undo).resolves.toEqual({ undone: null, item: null });
    await settle();
    expect(outbox.getState()).toEqual({ pending: 0, stalled: false });
    expect(await storage.load()).toEqual([]);
  });

  it('drops an action the server refuses (resending cannot help) and goes on with the next', async () => {
    const { outbox, socket } = setup();
    socket().open();
    const refused = outbox.send('judgments.save', save('gone'), null);
    const next = outbox.send('judgments.save', save('p2'), null);
    await settle();
    socket().answer(socket().sent[0] as Sent, { ok: false, error: { code: 'not_found', message: 'no item "gone"' } });
    await expect(refused).rejects.toThrow('no item "gone"');
    await settle();
    socket().answer(socket().sent[1] as Sent, item('p2'));
    await expect(next).resolves.toMatchObject({ id: 'p2' });
  });

  it('sends what an earlier page left in storage first, and reports its refusals', async () => {
    const storage = new MemoryOutboxStorage();
    const earlier: StoredAction = {
      actionId: 'earlier-page-0001',
      seq: 1,
      name: 'judgments.save',
      input: { ...save('p0'), actionId: 'earlier-page-0001' },
      projectDir: null,
      createdAt: 1,
    };
    await storage.put(earlier);
    const orphans: unknown[] = [];
    const { outbox, socket } = setup(storage, orphans);
    const fresh = outbox.send('judgments.save', save('p1'), null);
    socket().open();
    await settle();
    expect(socket().sent.map((call) => call.input.actionId)).toEqual(['earlier-page-0001']);
    socket().answer(socket().sent[0] as Sent, { ok: false, error: { code: 'not_found', message: 'no item "p0"' } });
    await settle();
    expect(orphans).toHaveLength(1);
    socket().answer(socket().sent[1] as Sent, item('p1'));
    await expect(fresh).resolves.toMatchObject({ id: 'p1' });
  });

  it('holds actions made in another project than the server has open, until that project is open', async () => {
    const { outbox, socket } = setup();
    socket().open();
    const held = outbox.send('judgments.save', save('a1'), '/projects/a');
    const here = outbox.send('judgments.save', save('b1'), '/projects/b');
    await settle();
    const ask = socket().sent[0] as Sent;
    expect(ask.name).toBe('projects.current');
    socket().answer(ask, { ok: true, result: { dir: '/projects/b' } });
    await settle();
    // a1 waits; b1, made in the open project, goes.
    expect(socket().sent.slice(1).map((call) => call.input.itemId)).toEqual(['b1']);
    socket().answer(socket().sent[1] as Sent, item('b1'));
    await expect(here).resolves.toMatchObject({ id: 'b1' });
    expect(outbox.getState().pending).toBe(1);
    socket().emit('projects.onChanged', { dir: '/projects/a' });
    await settle();
    expect(socket().sent[2]?.input.itemId).toBe('a1');
    socket().answer(socket().sent[2] as Sent, item('a1'));
    await expect(held).resolves.toMatchObject({ id: 'a1' });
  });
});
