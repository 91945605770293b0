/**
 * A team member's Annotate queue against a scripted server that hands out items a batch at a time
 * on each `items.list` (as app/team does): the session asks again near and at the end of what it
 * was given, says 'done' only when that brings nothing new, and "Check again" picks up items handed
 * out later. The owner's queue still ends for good at the end of its list.
 */
import { describe, expect, it } from 'vitest';
import type { ActionOutbox } from '../../renderer/client/action-outbox';
import type { StudioClient } from '../../renderer/client/studio-client';
import { AnnotationSession } from '../../renderer/views/annotate/annotation-session';
import { DEFAULT_QUEUE_FILTERS } from '../../renderer/views/annotate/queue-filters';

function item(id: string) {
  return { id, split: 'train', query: `q ${id}`, prompt: null, responses: ['a', 'b'], images: [], judgments: [], flagged: false, note: null, shownOrder: [0, 1] };
}

/** The server side: a pool, the items handed to the member, the ones they judged. */
function fakeServer(pool: string[], batch: number, handOut: boolean) {
  const handed: string[] = [];
  const judged = new Set<string>();
  const calls: string[] = [];
  const held = () => handed.filter((id) => !judged.has(id));
  const client = {
    invoke: async (name: string, input: { offset?: number; limit?: number; id?: string; itemId?: string }) => {
      calls.push(name);
      if (name === 'items.list') {
        if (handOut) while (held().length < batch && pool.length > 0) handed.push(pool.shift() as string);
        const list = handOut ? held() : pool.filter((id) => !judged.has(id));
        const offset = input.offset ?? 0;
        const page = list.slice(offset, offset + (input.limit ?? 100));
        return { items: page.map((id) => ({ id })), total: list.length };
      }
      if (name === 'items.get') return item(input.id as string);
      throw new Error(`unexpected ${name}`);
    },
    onConnection: () => () => {},
    mediaUrl: (path: string) => path,
  } as unknown as StudioClient;
  const outbox = {
    send: async (name: string, input: { itemId: string }) => {
      if (name !== 'judgments.save') throw new Error(`unexpected ${name}`);
      judged.add(input.itemId);
      return item(input.itemId);
    },
  } as unknown as ActionOutbox;
  return { client, outbox, calls, handed, pool, judged };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

async function judgeCurrent(session: AnnotationSession): Promise<void> {
  session.decide({ ranking: [1, 2], decision: 'a', strength: undefined } as never, 1000);
  for (let i = 0; i < 5; i += 1) await settle();
}

function makeSession(server: ReturnType<typeof fakeServer>, memberQueue: boolean, confirmed: { count: number } = { count: 0 }) {
  return new AnnotationSession(
    server.client,
    server.outbox,
    '/p',
    'alice',
    DEFAULT_QUEUE_FILTERS,
    { onWriteError: (error) => { throw error; }, onJudgmentConfirmed: () => (confirmed.count += 1) },
    { memberQueue },
  );
}

describe('a member queue', () => {
  it('asks for more as the person nears the end, and ends only when the server hands out nothing', async () => {
    const server = fakeServer(['i1', 'i2', 'i3', 'i4', 'i5'], 2, true);
    const confirmed = { count: 0 };
    const session = makeSession(server, true, confirmed);
    await session.start();
    expect(session.getSnapshot().item?.id).toBe('i1');
    const seen: string[] = [];
    for (let step = 0; step < 5; step += 1) {
      const current = session.getSnapshot();
      expect(current.status).toBe('ready');
      seen.push(current.item?.id ?? '');
      await judgeCurrent(session);
    }
    expect(seen).toEqual(['i1', 'i2', 'i3', 'i4', 'i5']);
    expect(session.getSnapshot().status).toBe('done');
    expect(confirmed.count).toBe(5);
    session.dispose();
  });

  it('"Check again" shows items handed out after the queue ran dry', async () => {
    const pool: string[] = ['i1'];
    const server = fakeServer(pool, 3, true);
    const session = makeSession(server, true);
    await session.start();
    await judgeCurrent(session);
    expect(session.getSnapshot().status).toBe('done');
    // Nothing new yet: still done.
    await session.checkAgain();
    expect(session.getSnapshot().status).toBe('done');
    // The owner imported more (or a lease gave items back).
    pool.push('i7', 'i8');
    await session.checkAgain();
    expect(session.getSnapshot().status).toBe('ready');
    expect(session.getSnapshot().item?.id).toBe('i7');
    await judgeCurrent(session);
    expect(session.getSnapshot().item?.id).toBe('i8');
    session.dispose();
  });

  it('waits for its last judgment to reach the server before asking for more at the end', async () => {
    const server = fakeServer(['i1', 'i2'], 1, true);
    // The outbox answers only when told to (a slow server, or writes queued behind each other).
    const answers: (() => void)[] = [];
    type Send = (name: string, input: unknown, dir: string) => Promise<unknown>;
    const fake = server.outbox as unknown as { send: Send };
    const send = fake.send.bind(fake);
    fake.send = (name, input, dir) => new Promise((resolve, reject) => answers.push(() => void send(name, input, dir).then(resolve, reject)));
    const session = makeSession(server, true);
    await session.start();
    expect(session.getSnapshot().item?.id).toBe('i1');
    session.decide({ ranking: [1, 2], decision: 'a' } as never, 1000);
    for (let i = 0; i < 5; i += 1) await settle();
    // i1 is still held (its judgment not arrived): asking now would bring nothing; it waits.
    expect(session.getSnapshot().status).toBe('loading');
    answers.shift()?.();
    for (let i = 0; i < 10; i += 1) await settle();
    expect(session.getSnapshot().status).toBe('ready');
    expect(session.getSnapshot().item?.id).toBe('i2');
    session.dispose();
  });

  it('starts empty when nothing is handed out, and "Check again" fills it', async () => {
    const pool: string[] = [];
    const server = fakeServer(pool, 2, true);
    const session = makeSession(server, true);
    await session.start();
    expect(session.getSnapshot().status).toBe('empty');
    pool.push('i1');
    await session.checkAgain();
    expect(session.getSnapshot().item?.id).toBe('i1');
    session.dispose();
  });
});

describe("the owner's queue", () => {
  it('ends for good at the end of the list, without asking again', async () => {
    const pool = ['i1', 'i2'];
    const server = fakeServer(pool, 0, false);
    const session = makeSession(server, false);
    await session.start();
    await judgeCurrent(session);
    await judgeCurrent(session);
    expect(session.getSnapshot().status).toBe('done');
    const lists = server.calls.filter((name) => name === 'items.list').length;
    pool.push('i3');
    session.next();
    await settle();
    expect(server.calls.filter((name) => name === 'items.list').length).toBe(lists);
    expect(session.getSnapshot().status).toBe('done');
    session.dispose();
  });
});
