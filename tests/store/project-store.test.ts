import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { importDataset } from '../../app/dataset/import-dataset';
import { StudioError } from '../../app/errors';
import { applyMigrations, LATEST_SCHEMA_VERSION, schemaVersion } from '../../app/store/migrations';
import { ProjectStore } from '../../app/store/project-store';
import { writeSeedFolder } from '../fixtures/seed-files';
import { tempDir } from '../fixtures/temp-dirs';

async function seededProject(): Promise<ProjectStore> {
  const store = ProjectStore.create(join(tempDir(), 'project'), { name: 'Test project' });
  const file = await writeSeedFolder(tempDir());
  const report = await importDataset(store, file);
  expect(report.errorCount).toBe(0);
  return store;
}

function failure(run: () => unknown): StudioError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(StudioError);
    return error as StudioError;
  }
  throw new Error('expected a StudioError');
}

describe('project folder', () => {
  it('creates the layout with WAL, foreign keys and the latest schema', () => {
    const dir = join(tempDir(), 'p');
    const store = ProjectStore.create(dir, { name: 'Cats' });
    for (const sub of ['project.sqlite', 'media', 'cache/thumbs', 'runs']) expect(existsSync(join(dir, sub))).toBe(true);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(schemaVersion(store.db)).toBe(LATEST_SCHEMA_VERSION);
    expect(store.summary()).toMatchObject({ name: 'Cats', itemCount: 0, splitRatios: { train: 0.9, val: 0.1, test: 0 } });
    store.close();
    const reopened = ProjectStore.open(dir);
    expect(reopened.name).toBe('Cats');
    expect(reopened.db.pragma('foreign_keys', { simple: true })).toBe(1);
    reopened.close();
  });

  it('refuses to create over a project or in a non-empty folder', () => {
    const dir = join(tempDir(), 'p');
    ProjectStore.create(dir, { name: 'A' }).close();
    const again = failure(() => ProjectStore.create(dir, { name: 'B' }));
    expect(again.code).toBe('already_exists');
    expect(again.message).toBe(`${dir} already holds a Reward Studio project`);
    const busy = tempDir();
    writeFileSync(join(busy, 'notes.txt'), 'mine');
    expect(failure(() => ProjectStore.create(busy, { name: 'C' })).message).toBe(`${busy} is not empty`);
  });

  it('refuses to open a folder without a project', () => {
    const dir = tempDir();
    const error = failure(() => ProjectStore.open(dir));
    expect(error.code).toBe('not_a_project');
    expect(error.message).toBe(`${dir} is not a Reward Studio project (no project.sqlite in it)`);
  });

  it('refuses a project written by a newer version, without touching it', () => {
    const dir = join(tempDir(), 'p');
    ProjectStore.create(dir, { name: 'Future' }).close();
    const db = new Database(join(dir, 'project.sqlite'));
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
    const error = failure(() => ProjectStore.open(dir));
    expect(error.code).toBe('bad_file');
    expect(error.message).toContain(`schema version ${LATEST_SCHEMA_VERSION + 1}`);
    const check = new Database(join(dir, 'project.sqlite'));
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 1);
    check.close();
  });

  it('migrates a version-1 project forward, keeping its data', () => {
    const dir = join(tempDir(), 'old');
    mkdirSync(dir);
    const path = join(dir, 'project.sqlite');
    const db = new Database(path);
    expect(applyMigrations(db, path, 1)).toBe(1);
    db.prepare(`INSERT INTO meta (key, value) VALUES ('name', '"Old"')`).run();
    db.prepare(
      `INSERT INTO items (id, query, split, content_hash, created_at) VALUES ('a', 'q', 'train', 'h', '2024-01-01T00:00:00.000Z')`,
    ).run();
    db.prepare(`INSERT INTO responses (item_rowid, idx, text) VALUES (1, 0, 'x'), (1, 1, 'y')`).run();
    db.close();

    const store = ProjectStore.open(dir);
    expect(schemaVersion(store.db)).toBe(LATEST_SCHEMA_VERSION);
    const tables = (store.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['runs', 'checkpoints', 'evaluations', 'scores']));
    expect(store.getItem('a')).toMatchObject({ query: 'q', responses: ['x', 'y'], flagged: false, note: null });
    store.setItemFlag('a', true, 'blurry');
    expect(store.getItem('a')).toMatchObject({ flagged: true, note: 'blurry' });
    store.close();
  });

  it('enforces foreign keys: a judgment cannot point at a missing item', async () => {
    const store = await seededProject();
    expect(() =>
      store.db
        .prepare(`INSERT INTO judgments (item_rowid, annotator_id, ranking_json, source, created_at, updated_at) VALUES (999, 1, '[0,1]', 'ui', 'x', 'x')`)
        .run(),
    ).toThrow(/FOREIGN KEY/);
    store.close();
  });

  it('refuses paths outside the project folder', () => {
    const store = ProjectStore.create(join(tempDir(), 'p'), { name: 'P' });
    expect(store.absolutePath('media/ab/x.png')).toBe(join(store.dir, 'media/ab/x.png'));
    expect(failure(() => store.absolutePath('../secret.txt')).code).toBe('forbidden');
    expect(failure(() => store.absolutePath('/etc/passwd')).code).toBe('forbidden');
    store.close();
  });
});

describe('judgments', () => {
  it('writes history on create, update and delete', async () => {
    const store = await seededProject();
    const created = store.saveJudgment({ itemId: 'unlabeled', annotator: 'ana', ranking: [1, 0], timeMs: 4200, shownOrder: [1, 0] });
    expect(created).toMatchObject({ annotator: 'ana', ranking: [1, 0], timeMs: 4200, shownOrder: [1, 0], source: 'ui', flagged: false });
    const updated = store.saveJudgment({ itemId: 'unlabeled', annotator: 'ana', ranking: [0, 1], note: 'misread', flagged: true });
    expect(updated.id).toBe(created.id);
    expect(updated.createdAt).toBe(created.createdAt);
    const history = store.judgmentHistory('unlabeled');
    expect(history.map((entry) => entry.action)).toEqual(['update', 'create']);
    expect(history[0]?.before?.ranking).toEqual([1, 0]);
    expect(history[0]?.after).toMatchObject({ ranking: [0, 1], note: 'misread', flagged: true });
    expect(history[1]).toMatchObject({ itemId: 'unlabeled', annotator: 'ana', before: null });
    expect(store.deleteJudgment('unlabeled', 'ana')).toBe(true);
    expect(store.judgmentHistory('unlabeled')[0]).toMatchObject({ action: 'delete', after: null });
    expect(store.getItem('unlabeled').judgments).toEqual([]);
    store.close();
  });

  it('validates rankings against the item', async () => {
    const store = await seededProject();
    expect(failure(() => store.saveJudgment({ itemId: 'one-image', annotator: 'ana', ranking: [0, 1, 2] })).message).toBe(
      'item "one-image": ranking has 3 entries but there are 2 responses; give one rank per response',
    );
    expect(failure(() => store.saveJudgment({ itemId: 'one-image', annotator: 'ana', ranking: [1, 1] })).message).toBe(
      'item "one-image": ranking [1,1] has no rank 0; the best response must have rank 0',
    );
    expect(failure(() => store.saveJudgment({ itemId: 'nope', annotator: 'ana', ranking: [0, 1] })).code).toBe('not_found');
    expect(failure(() => store.saveJudgment({ itemId: 'one-image', annotator: ' ', ranking: [0, 1] })).code).toBe('invalid_input');
    store.close();
  });

  it('resolves an adjudication first, else the most recently updated judgment', async () => {
    const store = await seededProject();
    expect(store.getItem('one-image')).toMatchObject({ resolvedRanking: [0, 1], resolvedFrom: { annotator: 'import', source: 'import' } });
    store.saveJudgment({ itemId: 'one-image', annotator: 'ana', ranking: [1, 0] });
    expect(store.getItem('one-image')).toMatchObject({ resolvedRanking: [1, 0], resolvedFrom: { annotator: 'ana' } });
    store.saveJudgment({ itemId: 'one-image', annotator: 'lead', ranking: [0, 0], source: 'adjudication' });
    store.saveJudgment({ itemId: 'one-image', annotator: 'bob', ranking: [1, 0] });
    const item = store.getItem('one-image');
    expect(item).toMatchObject({ resolvedRanking: [0, 0], resolvedFrom: { annotator: 'lead', source: 'adjudication' } });
    expect(item.judgments.map((j) => j.annotator)).toEqual(['lead', 'bob', 'ana', 'import']);
    store.close();
  });
});

describe('items', () => {
  it('lists with filters, paging, thumbnails and annotators, without reading images', async () => {
    const store = await seededProject();
    const all = store.listItems({});
    expect(all.total).toBe(6);
    expect(all.items.map((item) => item.id)).toEqual(['one-image', 'second-better', 'two-images', 'text-only', 'tie', 'unlabeled']);
    const first = all.items[0];
    expect(first).toMatchObject({ responseCount: 2, status: 'labeled', annotators: ['import'], imageCount: 1, image: { width: 32, height: 24 } });
    expect(first?.thumb).toMatch(/^cache\/thumbs\/[0-9a-f]{2}\/[0-9a-f]{64}-256\.webp$/);
    expect(existsSync(join(store.dir, first?.thumb ?? ''))).toBe(true); // made at import
    expect(all.items.find((item) => item.id === 'text-only')).toMatchObject({ thumb: null, image: null, responseCount: 3 });
    expect(store.listItems({ status: 'unlabeled' }).items.map((item) => item.id)).toEqual(['unlabeled']);
    expect(store.listItems({ status: 'labeled' }).total).toBe(5);
    expect(store.listItems({ search: 'RECTANGLE' }).items.map((item) => item.id)).toEqual(['second-better']);
    expect(store.listItems({ search: 'colour' }).items.map((item) => item.id)).toEqual(['one-image']);
    expect(store.listItems({ search: '100%' }).total).toBe(0);
    expect(store.listItems({ id: 'tie' }).items.map((item) => item.id)).toEqual(['tie']);
    const page = store.listItems({ offset: 2, limit: 2 });
    expect(page).toMatchObject({ total: 6 });
    expect(page.items.map((item) => item.id)).toEqual(['two-images', 'text-only']);
    store.close();
  });

  it('returns the full item with images in order', async () => {
    const store = await seededProject();
    const item = store.getItem('two-images');
    expect(item.responses).toEqual(['Red then green.', 'Both blue.']);
    expect(item.images.map((image) => [image.width, image.height, image.format])).toEqual([
      [32, 24, 'png'],
      [16, 16, 'png'],
    ]);
    expect(existsSync(join(store.dir, item.images[0]?.relPath ?? ''))).toBe(true);
    expect(failure(() => store.getItem('missing')).message).toBe('no item with id "missing" in this project');
    store.close();
  });

  it('summarises counts by split and annotator', async () => {
    const store = await seededProject();
    store.setSplit(['one-image', 'unlabeled'], 'val');
    store.saveJudgment({ itemId: 'unlabeled', annotator: 'ana', ranking: [0, 1] });
    const summary = store.summary();
    expect(summary.itemCount).toBe(6);
    expect(summary.labeledCount).toBe(6);
    expect(summary.bySplit.val).toEqual({ items: 2, labeled: 2 });
    expect(summary.bySplit.train.items + summary.bySplit.test.items).toBe(4);
    expect(summary.byAnnotator).toEqual([
      { name: 'import', judged: 5 },
      { name: 'ana', judged: 1 },
    ]);
    expect(summary.imageCount).toBe(3);
    expect(summary.mediaBytes).toBeGreaterThan(0);
    store.close();
  });

  it('moves items between splits, refusing unknown ids without changing anything', async () => {
    const store = await seededProject();
    expect(store.setSplit(['tie', 'text-only'], 'test')).toBe(2);
    expect(store.getItem('tie').split).toBe('test');
    const error = failure(() => store.setSplit(['tie', 'ghost'], 'train'));
    expect(error.message).toBe('no item with id "ghost" in this project');
    expect(store.getItem('tie').split).toBe('test');
    store.close();
  });

  it('soft-deletes items; they vanish from lists and come back on restore', async () => {
    const store = await seededProject();
    expect(store.deleteItems(['tie'])).toBe(1);
    expect(store.listItems({}).total).toBe(5);
    expect(store.summary().itemCount).toBe(5);
    expect(failure(() => store.getItem('tie')).code).toBe('not_found');
    expect(store.restoreItems(['tie'])).toBe(1);
    expect(store.getItem('tie').resolvedRanking).toEqual([0, 0, 1]);
    store.close();
  });
});

describe('thumbnails on demand', () => {
  it('remakes a missing thumbnail from the stored image', async () => {
    const store = await seededProject();
    const item = store.listItems({ id: 'one-image' }).items[0];
    const thumb = join(store.dir, item?.thumb ?? '');
    rmSync(thumb);
    const sha = store.getItem('one-image').images[0]?.sha256 ?? '';
    expect(await store.ensureThumbnail(sha)).toBe(item?.thumb);
    expect(existsSync(thumb)).toBe(true);
    await expect(store.ensureThumbnail('0'.repeat(64))).rejects.toThrow('no image');
    store.close();
  });
});
