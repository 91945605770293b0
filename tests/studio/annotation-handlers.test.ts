/**
 * The annotation commands through the real router and handler table (what both transports
 * mount): events, shown order, undo, adjudication reaching the export, agreement, conflicts,
 * settings.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { displayOrder } from '../../app/annotation/display-order';
import { createRouter, type Router } from '../../app/rpc/router';
import { createHandlers } from '../../app/studio/create-handlers';
import { Studio } from '../../app/studio/studio';
import { settingsFile } from '../../app/store/user-settings';
import { readJsonl, tempDir, writeJsonl } from '../fixtures/temp-dirs';
import { routerCalls } from '../fixtures/router-calls';

let studio: Studio;
let router: Router;
let events: { name: string; payload: unknown }[];
const savedHome = process.env.REWARD_STUDIO_HOME;

const { call, failure } = routerCalls(() => router);

beforeEach(async () => {
  process.env.REWARD_STUDIO_HOME = join(tempDir(), 'home');
  studio = new Studio({ kind: 'browser' });
  router = createRouter(createHandlers(studio));
  studio.createProject(join(tempDir(), 'project'), 'Handlers');
  const file = join(tempDir(), 'items.jsonl');
  writeJsonl(file, [
    { id: 'p1', query: 'q1', response: ['a', 'b'] },
    { id: 'p2', query: 'q2', response: ['a', 'b'] },
    { id: 'p3', query: 'q3', response: ['a', 'b'] },
    { id: 'r1', query: 'q4', response: ['a', 'b', 'c'] },
    { id: 'r2', query: 'q5', response: ['a', 'b', 'c', 'd'] },
  ]);
  await call('dataset.import', { file, split: 'train' });
  events = [];
  studio.events.listen((name, payload) => events.push({ name, payload }));
});

afterEach(() => {
  studio.close();
  if (savedHome === undefined) delete process.env.REWARD_STUDIO_HOME;
  else process.env.REWARD_STUDIO_HOME = savedHome;
});

describe('judging through the contract', () => {
  it('announces a save with judgments.onChanged only (no project summary), and returns the item in my order', async () => {
    const item = await call('judgments.save', {
      itemId: 'r2', annotator: 'ana', ranking: [1, 0, 2, 2], decision: 'ranked', timeMs: 1234, shownOrder: [3, 1, 0, 2],
    });
    expect(events).toEqual([{ name: 'judgments.onChanged', payload: { itemId: 'r2', annotator: 'ana' } }]);
    expect(item.shownOrder).toEqual(displayOrder('r2', 'ana', 4));
    expect(item.judgments[0]).toMatchObject({ annotator: 'ana', ranking: [1, 0, 2, 2], timeMs: 1234, shownOrder: [3, 1, 0, 2], source: 'ui' });
    const again = await call('items.get', { id: 'r2', annotator: 'ana' });
    expect(again.shownOrder).toEqual(item.shownOrder);
    expect((await call('items.get', { id: 'r2' })).shownOrder).toBeNull();
    // 'skip' is no judgment: the UI just moves on.
    expect(await failure('judgments.save', { itemId: 'p1', annotator: 'ana', ranking: [0, 1], decision: 'skip' })).toContain('decision');
  });

  it('undoes two levels, then reports nothing left', async () => {
    await call('judgments.save', { itemId: 'p1', annotator: 'ana', ranking: [0, 1] });
    await call('judgments.save', { itemId: 'p2', annotator: 'ana', ranking: [0, 0], decision: 'both_bad' });
    events = [];
    const undone = await call('judgments.undo', { annotator: 'ana' });
    expect(undone.undone).toMatchObject({ action: 'create', itemId: 'p2', after: { decision: 'both_bad', ranking: [0, 0] } });
    expect(undone.item).toMatchObject({ id: 'p2', judgments: [], shownOrder: displayOrder('p2', 'ana', 2) });
    expect((await call('judgments.undo', { annotator: 'ana' })).item?.id).toBe('p1');
    expect(await call('judgments.undo', { annotator: 'ana' })).toEqual({ undone: null, item: null });
    expect(events.map((e) => e.name)).toEqual(['judgments.onChanged', 'judgments.onChanged']);
    expect((await call('projects.current', {}))?.labeledCount).toBe(0);
  });

  it('deletes my judgment only', async () => {
    await call('judgments.save', { itemId: 'p1', annotator: 'ana', ranking: [0, 1] });
    await call('judgments.save', { itemId: 'p1', annotator: 'bob', ranking: [1, 0] });
    const item = await call('judgments.delete', { itemId: 'p1', annotator: 'ana' });
    expect(item.judgments.map((j) => j.annotator)).toEqual(['bob']);
  });

  it('flags announce a project change; notes come back on the item', async () => {
    expect(await call('items.setFlag', { ids: ['p1', 'p3'], flagged: true })).toEqual({ updated: 2 });
    expect(events.map((e) => e.name)).toEqual(['projects.onChanged']);
    expect((await call('items.list', { flagged: true })).items.map((i) => i.id)).toEqual(['p1', 'p3']);
    expect(await call('items.setNote', { id: 'p2', note: 'check the image' })).toMatchObject({ id: 'p2', note: 'check the image' });
    expect((await call('items.list', { order: 'queue', annotator: 'ana', limit: 2 })).items.map((i) => i.id)).toEqual(['p1', 'p2']);
  });
});

describe('agreement, conflicts and adjudication', () => {
  async function twoAnnotators(): Promise<void> {
    // Pairs: agree on p1 (first) and p2 (tie, one of them said both bad), disagree on p3.
    await call('judgments.save', { itemId: 'p1', annotator: 'ana', ranking: [0, 1] });
    await call('judgments.save', { itemId: 'p1', annotator: 'bob', ranking: [0, 1] });
    await call('judgments.save', { itemId: 'p2', annotator: 'ana', ranking: [0, 0], decision: 'tie' });
    await call('judgments.save', { itemId: 'p2', annotator: 'bob', ranking: [1, 0], decision: 'both_bad' });
    await call('judgments.save', { itemId: 'p3', annotator: 'ana', ranking: [0, 1] });
    await call('judgments.save', { itemId: 'p3', annotator: 'bob', ranking: [1, 0] });
    // Rankings: r1 identical; r2 with one adjacent swap (1 of 6 pairs).
    await call('judgments.save', { itemId: 'r1', annotator: 'ana', ranking: [0, 1, 2] });
    await call('judgments.save', { itemId: 'r1', annotator: 'bob', ranking: [0, 1, 2] });
    await call('judgments.save', { itemId: 'r2', annotator: 'ana', ranking: [0, 1, 2, 3] });
    await call('judgments.save', { itemId: 'r2', annotator: 'bob', ranking: [0, 1, 3, 2] });
  }

  it('reports the hand-computed numbers', async () => {
    await twoAnnotators();
    const report = await call('judgments.agreement', {});
    // Pairs: ana (first, tie, first), bob (first, tie, second): p_o = 2/3;
    // p_e = (2·1 + 1·1 + 0·1)/9 = 3/9 → κ = (6/9 − 3/9)/(6/9) = 1/2.
    expect(report.pairs).toMatchObject({ items: 3, percentAgreement: 2 / 3 });
    expect(report.pairs.cohensKappa).toBeCloseTo(0.5, 12);
    // Rankings: a 3- and a 4-response item; each length's values compared only among themselves.
    // D_o = (1/4)·(0 + 2·(1/6)) = 1/12. 3-length values: two equal → 2 ordered pairs, δ 0.
    // 4-length: two values 1/6 apart → 2 ordered pairs, δ 1/6. D_e = (2·1/6)/4 = 1/12 → α = 0.
    expect(report.rankings.items).toBe(2);
    expect(report.rankings.krippendorffAlpha).toBeCloseTo(0, 12);
    expect(report.rankings.meanKendallTauDistance).toBeCloseTo(1 / 12, 12);
    expect(report).toMatchObject({ annotators: ['ana', 'bob'], itemsWithSeveral: 5, conflicts: 2, adjudicated: 0 });
    // p2's tie and both-bad are stored the same way: [0,0] vs [0,0] is no conflict.
    expect((await call('judgments.conflicts', {})).items.map((c) => c.item.id)).toEqual(['p3', 'r2']);
  });

  it('lists conflicts with every judgment; an adjudication settles one and wins in the export', async () => {
    await twoAnnotators();
    const page = await call('judgments.conflicts', { limit: 1 });
    expect(page.total).toBe(2);
    expect(page.items[0]).toMatchObject({ item: { id: 'p3' }, responses: ['a', 'b'], adjudication: null });
    expect(page.items[0]?.judgments.map((j) => [j.annotator, j.ranking])).toEqual([['bob', [1, 0]], ['ana', [0, 1]]]);
    expect((await call('judgments.conflicts', { offset: 1, limit: 1 })).items.map((c) => c.item.id)).toEqual(['r2']);

    events = [];
    const adjudicated = await call('judgments.adjudicate', { itemId: 'p3', annotator: 'ana', ranking: [1, 0], note: 'bob is right' });
    expect(events).toEqual([{ name: 'judgments.onChanged', payload: { itemId: 'p3', annotator: 'ana' } }]);
    expect(adjudicated.resolvedFrom).toMatchObject({ annotator: 'ana', source: 'adjudication' });
    // The save after the adjudication does not displace it.
    await call('judgments.save', { itemId: 'p3', annotator: 'bob', ranking: [0, 1] });
    await call('judgments.save', { itemId: 'p3', annotator: 'bob', ranking: [1, 0] });

    expect((await call('judgments.conflicts', {})).items.map((c) => c.item.id)).toEqual(['r2']);
    const all = await call('judgments.conflicts', { includeAdjudicated: true });
    expect(all.items[0]).toMatchObject({ item: { id: 'p3' }, adjudication: { annotator: 'ana', ranking: [1, 0], note: 'bob is right' } });
    const report = await call('judgments.agreement', {});
    expect(report).toMatchObject({ conflicts: 2, adjudicated: 1 });
    expect(report.pairs.percentAgreement).toBeCloseTo(2 / 3, 12); // the adjudication is not a vote

    const out = join(tempDir(), 'export', 'seed.jsonl');
    await call('dataset.export', { format: 'seed', split: 'all', out, images: 'absolute' });
    const rankings = Object.fromEntries(readJsonl(out).map((row) => [row.id, row.human_ranking]));
    // p3: ana's own vote was [0,1] and bob saved last, but the adjudication [1,0] is what is exported.
    expect(rankings).toEqual({ p1: [0, 1], p2: [0, 0], p3: [1, 0], r1: [0, 1, 2], r2: [0, 1, 3, 2] });
  });
});

describe('settings', () => {
  it('starts without an annotator, saves one atomically, and reads it back in a new session', async () => {
    expect(await call('environment.settings', {})).toEqual({ annotator: null });
    expect(await call('environment.updateSettings', { annotator: '  Ana  ' })).toEqual({ annotator: 'Ana' });
    expect(JSON.parse(readFileSync(settingsFile(), 'utf8'))).toEqual({ annotator: 'Ana' });
    const fresh = createRouter(createHandlers(new Studio({ kind: 'browser' })));
    const envelope = await fresh.invoke('environment.settings', {});
    expect(envelope).toEqual({ ok: true, result: { annotator: 'Ana' } });
    // An update without fields keeps what is there; an empty name is refused at the boundary.
    expect(await call('environment.updateSettings', {})).toEqual({ annotator: 'Ana' });
    expect(await failure('environment.updateSettings', { annotator: '   ' })).toContain('annotator');
    expect(existsSync(`${settingsFile()}.tmp`)).toBe(false);
  });

  it('treats a damaged settings file as no settings, and replaces it on the next save', async () => {
    await call('environment.updateSettings', { annotator: 'Ana' });
    writeFileSync(settingsFile(), '{"annotator": ');
    expect(await call('environment.settings', {})).toEqual({ annotator: null });
    expect(await call('environment.updateSettings', { annotator: 'Bea' })).toEqual({ annotator: 'Bea' });
    expect(await call('environment.settings', {})).toEqual({ annotator: 'Bea' });
  });
});
