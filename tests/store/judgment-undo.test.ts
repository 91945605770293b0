import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { applyMigrations, schemaVersion, LATEST_SCHEMA_VERSION } from '../../app/store/migrations';
import { ProjectStore } from '../../app/store/project-store';
import { tempDir } from '../fixtures/temp-dirs';
import { textProject } from './annotation-project';

function rankingsOf(store: ProjectStore, id: string): [string, string, number[]][] {
  return store.getItem(id).judgments.map((j) => [j.annotator, j.source, j.ranking]);
}

describe('saving judgments', () => {
  it('stores "both bad" as an all-equal ranking and keeps the decision, strength, time and shown order', async () => {
    const store = await textProject(3, { threeResponses: ['it-02'] });
    const saved = store.saveJudgment({
      itemId: 'it-02', annotator: 'ana', ranking: [2, 0, 1], decision: 'both_bad', timeMs: 2300, shownOrder: [2, 0, 1],
    });
    expect(saved).toMatchObject({ ranking: [0, 0, 0], decision: 'both_bad', timeMs: 2300, shownOrder: [2, 0, 1], source: 'ui' });
    const strong = store.saveJudgment({ itemId: 'it-01', annotator: 'ana', ranking: [1, 0], decision: 'ranked', strength: 'clearly' });
    expect(strong).toMatchObject({ ranking: [1, 0], decision: 'ranked', strength: 'clearly' });
    expect(() => store.saveJudgment({ itemId: 'it-03', annotator: 'ana', ranking: [0, 1], decision: 'tie' })).toThrow(
      'item "it-03": decision "tie" with ranking [0,1], which prefers one response',
    );
    expect(() => store.saveJudgment({ itemId: 'it-01', annotator: 'ana', ranking: [0, 1], shownOrder: [0, 0] })).toThrow('is not an order');
    store.close();
  });
});

describe('undo', () => {
  it('takes back several levels: updates restore the previous values, a create removes the judgment', async () => {
    const store = await textProject(3);
    const first = store.saveJudgment({ itemId: 'it-01', annotator: 'ana', ranking: [0, 1], timeMs: 1000 });
    store.saveJudgment({ itemId: 'it-02', annotator: 'ana', ranking: [0, 0], decision: 'tie' });
    store.saveJudgment({ itemId: 'it-01', annotator: 'ana', ranking: [1, 0], timeMs: 500, note: 'changed my mind' });

    const third = store.undoJudgment('ana');
    expect(third?.itemId).toBe('it-01');
    expect(third?.entry).toMatchObject({ action: 'update', annotator: 'ana', itemId: 'it-01', undoOf: null });
    expect(third?.entry.undoneBy).toEqual(expect.any(Number));
    // Every field is back, the times included, so "the latest judgment" is what it was.
    expect(store.getItem('it-01').judgments).toEqual([first]);

    expect(store.undoJudgment('ana')?.itemId).toBe('it-02');
    expect(store.getItem('it-02').judgments).toEqual([]);
    expect(store.undoJudgment('ana')?.entry).toMatchObject({ action: 'create', itemId: 'it-01' });
    expect(store.getItem('it-01').judgments).toEqual([]);
    expect(store.undoJudgment('ana')).toBeNull();
    expect(store.listItems({ status: 'labeled' }).total).toBe(0); // the judged counter follows undo

    // The audit trail keeps everything: three changes, three undo rows pointing at them.
    const history = store.judgmentHistory();
    expect(history).toHaveLength(6);
    const undoRows = history.filter((entry) => entry.undoOf !== null);
    expect(undoRows.map((entry) => entry.action)).toEqual(['delete', 'delete', 'update']);
    for (const row of undoRows) expect(history.find((entry) => entry.id === row.undoOf)?.undoneBy).toBe(row.id);
    store.close();
  });

  it('brings a deleted judgment back under its old id, and each annotator undoes only their own changes', async () => {
    const store = await textProject(2);
    const ana = store.saveJudgment({ itemId: 'it-01', annotator: 'ana', ranking: [1, 0], shownOrder: [1, 0] });
    store.saveJudgment({ itemId: 'it-01', annotator: 'bob', ranking: [0, 1] });
    expect(store.deleteJudgment('it-01', 'ana')).toBe(true);
    expect(store.deleteJudgment('it-01', 'ana')).toBe(false);
    store.saveJudgment({ itemId: 'it-02', annotator: 'bob', ranking: [0, 1] });

    expect(store.undoJudgment('ana')?.entry.action).toBe('delete');
    expect(store.getItem('it-01').judgments.find((j) => j.annotator === 'ana')).toEqual(ana);
    // bob's two saves are untouched by ana's undo, and his undo leaves ana's judgment alone.
    expect(store.undoJudgment('bob')?.itemId).toBe('it-02');
    expect(store.undoJudgment('bob')?.itemId).toBe('it-01');
    expect(rankingsOf(store, 'it-01')).toEqual([['ana', 'ui', [1, 0]]]);
    expect(store.undoJudgment('bob')).toBeNull();
    expect(store.undoJudgment('nobody')).toBeNull();
    store.close();
  });

  it('never reuses a judgment id, so an undone delete cannot collide with a newer judgment', async () => {
    const store = await textProject(2);
    const ana = store.saveJudgment({ itemId: 'it-01', annotator: 'ana', ranking: [0, 1] });
    store.deleteJudgment('it-01', 'ana');
    const bob = store.saveJudgment({ itemId: 'it-02', annotator: 'bob', ranking: [0, 1] });
    expect(bob.id).toBeGreaterThan(ana.id);
    store.undoJudgment('ana');
    expect(store.getItem('it-01').judgments[0]?.id).toBe(ana.id);
    store.close();
  });

  it('passes over a change someone else has overwritten since, instead of erasing their work', async () => {
    const store = await textProject(2);
    store.saveJudgment({ itemId: 'it-02', annotator: 'ana', ranking: [0, 1] });
    store.saveJudgment({ itemId: 'it-01', annotator: 'ana', ranking: [0, 1], source: 'adjudication' });
    store.saveJudgment({ itemId: 'it-01', annotator: 'bob', ranking: [1, 0], source: 'adjudication' });
    // ana's adjudication was re-adjudicated by bob: her undo skips it and takes back her own vote on it-02.
    expect(store.undoJudgment('ana')?.itemId).toBe('it-02');
    expect(rankingsOf(store, 'it-01')).toEqual([['bob', 'adjudication', [1, 0]]]);
    // Once bob undoes his, ana's adjudication is as she left it and can be undone.
    expect(store.undoJudgment('bob')?.entry.action).toBe('update');
    expect(rankingsOf(store, 'it-01')).toEqual([['ana', 'adjudication', [0, 1]]]);
    expect(store.undoJudgment('ana')?.entry.action).toBe('create');
    expect(rankingsOf(store, 'it-01')).toEqual([]);
    store.close();
  });

  it('skips changes on deleted items', async () => {
    const store = await textProject(2);
    store.saveJudgment({ itemId: 'it-01', annotator: 'ana', ranking: [0, 1] });
    store.saveJudgment({ itemId: 'it-02', annotator: 'ana', ranking: [0, 1] });
    store.deleteItems(['it-02']);
    expect(store.undoJudgment('ana')?.itemId).toBe('it-01');
    expect(store.undoJudgment('ana')).toBeNull();
    store.close();
  });
});

describe('migration 4', () => {
  it('keeps judgments and history from a version-3 project and lets an adjudication sit beside the vote', () => {
    const dir = join(tempDir(), 'v3');
    mkdirSync(dir);
    const path = join(dir, 'project.sqlite');
    const db = new Database(path);
    expect(applyMigrations(db, path, 3)).toBe(3);
    const now = '2024-01-01T00:00:00.000Z';
    db.prepare(`INSERT INTO meta (key, value) VALUES ('name', '"Old"')`).run();
    db.prepare(`INSERT INTO items (id, query, split, content_hash, created_at) VALUES ('a', 'q', 'train', 'h', ?), ('b', 'q2', 'train', 'h2', ?)`).run(now, now);
    db.prepare(`INSERT INTO responses (item_rowid, idx, text) VALUES (1, 0, 'x'), (1, 1, 'y'), (2, 0, 'x'), (2, 1, 'y')`).run();
    db.prepare(`INSERT INTO annotators (id, name, created_at) VALUES (1, 'ana', ?), (2, 'bob', ?)`).run(now, now);
    db.prepare(
      `INSERT INTO judgments (id, item_rowid, annotator_id, ranking_json, source, created_at, updated_at)
       VALUES (5, 1, 1, '[0,1]', 'ui', ?, ?), (6, 1, 2, '[1,0]', 'ui', ?, ?)`,
    ).run(now, now, now, now);
    // A judgment with a higher id was deleted before the upgrade: its id must stay retired.
    db.prepare(
      `INSERT INTO judgment_history (judgment_id, item_rowid, annotator_id, action, before_json, after_json, at)
       VALUES (9, 2, 1, 'delete', '{}', NULL, ?)`,
    ).run(now);
    db.close();

    const store = ProjectStore.open(dir);
    expect(schemaVersion(store.db)).toBe(LATEST_SCHEMA_VERSION);
    expect(rankingsOf(store, 'a')).toEqual([['bob', 'ui', [1, 0]], ['ana', 'ui', [0, 1]]]);
    expect(store.listItems({ status: 'labeled' }).total).toBe(1); // counter filled from existing rows
    expect(store.saveJudgment({ itemId: 'b', annotator: 'bob', ranking: [0, 1] }).id).toBe(10);
    store.saveJudgment({ itemId: 'a', annotator: 'ana', ranking: [1, 0], source: 'adjudication' });
    expect(rankingsOf(store, 'a')).toEqual([['ana', 'adjudication', [1, 0]], ['bob', 'ui', [1, 0]], ['ana', 'ui', [0, 1]]]);
    expect(store.judgmentHistory().every((entry) => entry.undoneBy === null)).toBe(true);
    store.close();
  });
});
