/**
 * A browser resends an annotation action whose answer it lost (issue #13): through the real router
 * on a real project.sqlite, the same action id applies once — also after the server restarted,
 * which is why the applied ids live in the project database, not in memory.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRouter, type Router } from '../../app/rpc/router';
import { createHandlers } from '../../app/studio/create-handlers';
import { Studio } from '../../app/studio/studio';
import { projectDbPath } from '../../app/store/project-layout';
import { routerCalls } from '../fixtures/router-calls';
import { tempDir, writeJsonl } from '../fixtures/temp-dirs';

let studio: Studio;
let router: Router;
let projectDir: string;
let events: string[];
const savedHome = process.env.REWARD_STUDIO_HOME;
const { call, failure } = routerCalls(() => router);

/** A fresh Studio on the same folder: what restarting `reward-studio serve` does. */
function restartOn(dir: string): void {
  studio.close();
  studio = new Studio({ kind: 'browser' });
  router = createRouter(createHandlers(studio));
  studio.openProject(dir);
  events = [];
  studio.events.listen((name) => events.push(name));
}

/** Read straight from the file, as another process would. */
function countRows(sql: string): number {
  const db = new Database(projectDbPath(projectDir), { readonly: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

beforeEach(async () => {
  process.env.REWARD_STUDIO_HOME = join(tempDir(), 'home');
  projectDir = join(tempDir(), 'project');
  studio = new Studio({ kind: 'browser' });
  router = createRouter(createHandlers(studio));
  studio.createProject(projectDir, 'Replay');
  const file = join(tempDir(), 'items.jsonl');
  writeJsonl(file, [
    { id: 'p1', query: 'q1', response: ['a', 'b'] },
    { id: 'p2', query: 'q2', response: ['a', 'b'] },
  ]);
  await call('dataset.import', { file, split: 'train' });
  events = [];
  studio.events.listen((name) => events.push(name));
});

afterEach(() => {
  studio.close();
  if (savedHome === undefined) delete process.env.REWARD_STUDIO_HOME;
  else process.env.REWARD_STUDIO_HOME = savedHome;
});

describe('replaying an action id', () => {
  it('applies a judgment once, even when the replay reaches a restarted server', async () => {
    const save = { itemId: 'p1', annotator: 'ana', ranking: [0, 1], decision: 'ranked' as const, actionId: 'act-save-0001' };
    await call('judgments.save', save);
    expect(events).toEqual(['judgments.onChanged']);
    const replayed = await call('judgments.save', save);
    expect(replayed.judgments).toHaveLength(1);
    expect(events).toEqual(['judgments.onChanged']);

    restartOn(projectDir);
    const afterRestart = await call('judgments.save', save);
    expect(afterRestart.judgments[0]).toMatchObject({ annotator: 'ana', ranking: [0, 1] });
    expect(events).toEqual([]);
    expect(countRows('SELECT count(*) AS n FROM judgment_history')).toBe(1);
    expect(countRows("SELECT count(*) AS n FROM applied_actions WHERE action_id = 'act-save-0001'")).toBe(1);
  });

  it('undoes once for one undo action, however often it is resent', async () => {
    await call('judgments.save', { itemId: 'p1', annotator: 'ana', ranking: [0, 1], actionId: 'act-save-p1' });
    await call('judgments.save', { itemId: 'p2', annotator: 'ana', ranking: [1, 0], actionId: 'act-save-p2' });
    const first = await call('judgments.undo', { annotator: 'ana', actionId: 'act-undo-0001' });
    expect(first.undone?.itemId).toBe('p2');
    restartOn(projectDir);
    const replay = await call('judgments.undo', { annotator: 'ana', actionId: 'act-undo-0001' });
    expect(replay).toEqual({ undone: null, item: null });
    // p1's judgment is still there: the replay did not take back a second level.
    expect((await call('items.get', { id: 'p1' })).judgments).toHaveLength(1);
    expect((await call('items.get', { id: 'p2' })).judgments).toHaveLength(0);
  });

  it('applies a note and a flag once; a new id applies again', async () => {
    await call('items.setNote', { id: 'p1', note: 'first', actionId: 'act-note-0001' });
    await call('items.setNote', { id: 'p1', note: 'second', actionId: 'act-note-0002' });
    // A late replay of the first note must not overwrite the second.
    expect((await call('items.setNote', { id: 'p1', note: 'first', actionId: 'act-note-0001' })).note).toBe('second');
    expect(await call('items.setFlag', { ids: ['p1'], flagged: true, actionId: 'act-flag-0001' })).toEqual({ updated: 1 });
    await call('items.setFlag', { ids: ['p1'], flagged: false, actionId: 'act-flag-0002' });
    expect(await call('items.setFlag', { ids: ['p1'], flagged: true, actionId: 'act-flag-0001' })).toEqual({ updated: 0 });
    expect((await call('items.get', { id: 'p1' })).flagged).toBe(false);
  });

  it('records nothing for an action that failed, so fixing and resending it works', async () => {
    expect(await failure('judgments.save', { itemId: 'p1', annotator: 'ana', ranking: [0, 1, 2], actionId: 'act-bad-00001' })).toContain('p1');
    expect(countRows('SELECT count(*) AS n FROM applied_actions')).toBe(0);
    expect(await failure('judgments.save', { itemId: 'p1', annotator: 'ana', ranking: [0, 1], actionId: 'no spaces!' })).toContain('actionId');
  });

  it('still applies actions without an id every time (scripts, the desktop app)', async () => {
    await call('judgments.save', { itemId: 'p1', annotator: 'ana', ranking: [0, 1] });
    await call('judgments.save', { itemId: 'p1', annotator: 'ana', ranking: [1, 0] });
    expect(countRows('SELECT count(*) AS n FROM judgment_history')).toBe(2);
  });
});
