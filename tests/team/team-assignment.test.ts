/**
 * The hand-out rules on a real project.sqlite, through the router as each person calls it:
 * holds expire and go to someone else, a late save cannot exceed the overlap, gold items come at
 * the plan's rate and are scored, an undo gives the item back to its judge, a revoke releases
 * holds, a reviewer browses freely but judges from their own queue.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { importDataset } from '../../app/dataset/import-dataset';
import type { CommandName } from '../../app/contract';
import { createRouter, type Router } from '../../app/rpc/router';
import { createHandlers, createMemberHandlers } from '../../app/studio/create-handlers';
import { Studio } from '../../app/studio/studio';
import { memberCaller, type Caller } from '../../app/team/caller';
import type { ItemDetail, ItemList } from '../../app/store/types';
import type { MemberProgress, TeamInvite } from '../../app/team/types';
import { writeJsonl } from '../fixtures/temp-dirs';

let root: string;
let studio: Studio;
let router: Router;

async function call<T>(name: CommandName, input: unknown, caller?: Caller): Promise<T> {
  const envelope = await router.invoke(name, input, caller);
  if (!envelope.ok) throw Object.assign(new Error(`${name}: ${envelope.error.message}`), { code: envelope.error.code });
  return envelope.result as T;
}

async function invite(name: string, role: 'annotator' | 'reviewer' = 'annotator'): Promise<Caller> {
  const { member } = await call<TeamInvite>('team.invite', { name, role });
  return memberCaller({ id: member.id, name: member.name, role: member.role, projectDir: studio.projectDir as string });
}

async function queue(caller: Caller): Promise<string[]> {
  const page = await call<ItemList>('items.list', { order: 'queue', judged: 'not-by-me', annotator: 'x' }, caller);
  return page.items.map((item) => item.id);
}

function save(caller: Caller, itemId: string, ranking: number[] = [0, 1]): Promise<ItemDetail> {
  return call<ItemDetail>('judgments.save', { itemId, annotator: 'typed-by-client', ranking }, caller);
}

beforeEach(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'rs-team-assign-'));
  process.env.REWARD_STUDIO_HOME = path.join(root, 'home');
  studio = new Studio({ kind: 'browser' });
  const handlers = createHandlers(studio);
  router = createRouter(handlers, createMemberHandlers(studio, handlers));
  studio.createProject(path.join(root, 'project'), 'Assign');
  const file = path.join(root, 'items.jsonl');
  writeJsonl(file, Array.from({ length: 8 }, (_, i) => ({ id: `it-${i}`, query: `q${i}`, response: ['a', 'b'], split: i < 6 ? 'train' : 'val' })));
  await importDataset(studio.project(), file, { split: 'train' });
  studio.project().setSplit(['it-6', 'it-7'], 'val');
});

afterEach(() => {
  vi.useRealTimers();
  studio.close();
  rmSync(root, { recursive: true, force: true });
});

describe('hand-out', () => {
  it('gives an expired hold to someone else and refuses the late save that would exceed the overlap', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-03T10:00:00Z'));
    await call('team.setPlan', { overlap: 1, split: null, leaseMinutes: 10, batch: 8, goldRate: 0 });
    const ann = await invite('ann');
    const bob = await invite('bob');
    const held = await queue(ann);
    expect(held).toHaveLength(8);
    expect(await queue(bob)).toEqual([]);
    vi.setSystemTime(new Date('2026-12-03T10:11:00Z'));
    const taken = await queue(bob);
    expect(taken.sort()).toEqual([...held].sort());
    // Ann's hold ran out and Bob holds the item now: her save would make two votes.
    await expect(save(ann, held[0] as string)).rejects.toMatchObject({ code: 'forbidden' });
    await save(bob, held[0] as string);
    expect(studio.project().getItem(held[0] as string).judgments.map((j) => j.annotator)).toEqual(['bob']);
  });

  it('accepts a late save while the item still needs the vote', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-03T10:00:00Z'));
    await call('team.setPlan', { overlap: 1, split: null, leaseMinutes: 10, batch: 2, goldRate: 0 });
    const ann = await invite('ann');
    const [first] = await queue(ann);
    vi.setSystemTime(new Date('2026-12-03T11:00:00Z'));
    const item = await save(ann, first as string);
    expect(item.judgments[0]?.annotator).toBe('ann');
  });

  it('narrows the plan to its split', async () => {
    await call('team.setPlan', { overlap: 1, split: 'val', leaseMinutes: 10, batch: 8, goldRate: 0 });
    const ann = await invite('ann');
    expect((await queue(ann)).sort()).toEqual(['it-6', 'it-7']);
  });

  it('narrows the plan by a filter: text in the query or responses, and the flag', async () => {
    await call('team.setPlan', { overlap: 1, split: null, search: 'q1', leaseMinutes: 10, batch: 8, goldRate: 0 });
    expect(await call('team.plan', {})).toMatchObject({ search: 'q1', flagged: null });
    const ann = await invite('ann');
    expect(await queue(ann)).toEqual(['it-1']);
    await call('items.setFlag', { ids: ['it-2', 'it-5'], flagged: true });
    await call('team.setPlan', { overlap: 1, split: 'train', search: null, flagged: true, leaseMinutes: 10, batch: 8, goldRate: 0 });
    const bob = await invite('bob');
    expect((await queue(bob)).sort()).toEqual(['it-2', 'it-5']);
    const progress = await call<{ project: { itemsInScope: number } }>('team.progress', {});
    expect(progress.project.itemsInScope).toBe(2);
  });

  it('mixes gold items in at the plan rate, once per person, and scores them', async () => {
    await call('team.setPlan', { overlap: 1, split: null, leaseMinutes: 10, batch: 4, goldRate: 0.25 });
    await call('team.setGold', { itemId: 'it-0', ranking: [0, 1] });
    await call('team.setGold', { itemId: 'it-1', ranking: [0, 1] });
    const ann = await invite('ann');
    const bob = await invite('bob');
    const annQueue = await queue(ann);
    expect(annQueue).toHaveLength(4);
    expect(annQueue.filter((id) => id === 'it-0' || id === 'it-1')).toHaveLength(1);
    // Gold is not counted against the overlap: Bob gets one too.
    const bobQueue = await queue(bob);
    expect(bobQueue.filter((id) => id === 'it-0' || id === 'it-1')).toHaveLength(1);
    // Both gold answers are "first is better": Ann answers the other way, Bob that way.
    for (const id of annQueue) await save(ann, id, [1, 0]);
    for (const id of bobQueue) await save(bob, id, [0, 1]);
    const annScore = await call<MemberProgress>('team.myProgress', {}, ann);
    expect(annScore.gold).toEqual({ answered: 1, correct: 0 });
    const progress = await call<{ members: MemberProgress[] }>('team.progress', {});
    expect(progress.members.find((m) => m.name === 'bob')?.gold).toEqual({ answered: 1, correct: 1 });
    // 1 in 4 is the rate: with the pool empty, no further gold is handed to fill a batch.
    expect(await queue(ann)).toEqual([]);
  });

  it('does not score the judgment a gold answer was taken from, only answers given once it was gold', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-03T10:00:00Z'));
    await call('judgments.save', { itemId: 'it-0', annotator: 'owner', ranking: [0, 1] });
    vi.setSystemTime(new Date('2026-12-03T10:05:00Z'));
    await call('team.setGold', { itemId: 'it-0', ranking: [0, 1] });
    const before = await call<{ members: MemberProgress[] }>('team.progress', {});
    expect(before.members.find((m) => m.name === 'owner')?.gold).toEqual({ answered: 0, correct: 0 });
    vi.setSystemTime(new Date('2026-12-03T10:06:00Z'));
    await call('judgments.save', { itemId: 'it-0', annotator: 'owner', ranking: [1, 0] });
    const after = await call<{ members: MemberProgress[] }>('team.progress', {});
    expect(after.members.find((m) => m.name === 'owner')?.gold).toEqual({ answered: 1, correct: 0 });
  });

  it('gives an item back to its judge after an undo, and releases holds on revoke', async () => {
    await call('team.setPlan', { overlap: 1, split: null, leaseMinutes: 10, batch: 2, goldRate: 0 });
    const ann = await invite('ann');
    const [first] = await queue(ann);
    await save(ann, first as string);
    expect(await queue(ann)).not.toContain(first);
    await call('judgments.undo', { annotator: 'ann' }, ann);
    expect(await queue(ann)).toContain(first);
    // Two topped up after the save, plus the one given back by the undo.
    const progress = await call<{ project: { itemsHeld: number } }>('team.progress', {});
    expect(progress.project.itemsHeld).toBe(3);
    await call('team.revoke', { memberId: ann.member?.id });
    const after = await call<{ project: { itemsHeld: number } }>('team.progress', {});
    expect(after.project.itemsHeld).toBe(0);
  });

  it('lets a reviewer browse every item but judge only from their own queue', async () => {
    await call('team.setPlan', { overlap: 1, split: null, leaseMinutes: 10, batch: 2, goldRate: 0 });
    const rev = await invite('rev', 'reviewer');
    const ann = await invite('ann');
    expect((await call<ItemList>('items.list', { order: 'id', limit: 100 }, rev)).total).toBe(8);
    const annQueue = await queue(ann);
    expect((await call<ItemList>('items.list', { order: 'id', limit: 100 }, ann)).items.map((i) => i.id).sort()).toEqual([...annQueue].sort());
    await expect(save(rev, annQueue[0] as string)).rejects.toMatchObject({ code: 'forbidden' });
    expect((await queue(rev)).length).toBe(2);
  });
});
