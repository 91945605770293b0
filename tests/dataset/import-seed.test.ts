import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDataset, listImports } from '../../app/dataset/import-dataset';
import type { ImportProgress } from '../../app/dataset/types';
import { StudioError } from '../../app/errors';
import { ProjectStore } from '../../app/store/project-store';
import { writePng, writePngBomb, writeTextAsPng, writeTruncatedPng } from '../fixtures/images';
import { defaultSeedRows, writeSeedFolder } from '../fixtures/seed-files';
import { tempDir, writeJsonl } from '../fixtures/temp-dirs';

function newProject(): ProjectStore {
  return ProjectStore.create(join(tempDir(), 'project'), { name: 'Import test' });
}

describe('seed JSONL import', () => {
  it('imports every field: N responses, ties, several images, text-only, unlabeled', async () => {
    const store = newProject();
    const file = await writeSeedFolder(tempDir());
    const report = await importDataset(store, file);
    expect(report).toMatchObject({
      format: 'seed',
      rowsRead: 6,
      added: 6,
      unchanged: 0,
      labeled: 5,
      imagesAdded: 3,
      errorCount: 0,
      errors: [],
      cancelled: false,
    });
    expect(store.getItem('tie')).toMatchObject({ responses: ['Yes.', 'Yes, it is green.', 'No.'], resolvedRanking: [0, 0, 1] });
    expect(store.getItem('second-better').resolvedRanking).toEqual([1, 0]);
    expect(store.getItem('two-images').images).toHaveLength(2);
    expect(store.getItem('text-only')).toMatchObject({ images: [], resolvedRanking: [0, 1, 2] });
    expect(store.getItem('unlabeled')).toMatchObject({ judgments: [], resolvedRanking: null });
    expect(store.getItem('one-image').judgments[0]).toMatchObject({ annotator: 'import', source: 'import' });
    expect(listImports(store)[0]).toEqual(report);
    store.close();
  });

  it('reports every bad row as file:line: reason, lands the good ones and writes nothing of the bad', async () => {
    const store = newProject();
    const root = tempDir();
    const data = join(root, 'data');
    await writeSeedFolder(data, []);
    writeTextAsPng(join(data, 'images', 'text.png'));
    await writeTruncatedPng(join(data, 'images', 'cut.png'));
    writePngBomb(join(data, 'images', 'bomb.png'), 30000, 30000);
    await writePng(join(root, 'outside.png'), 8, 8);
    const ok = (id: string, extra: object = {}) => ({ id, query: 'q', image: 'images/red.png', response: ['a', 'b'], human_ranking: [0, 1], ...extra });
    const file = join(data, 'bad.jsonl');
    writeJsonl(file, [
      ok('good-1'),
      '{"id": "broken", "query": ',
      { id: 'no-query', response: ['a', 'b'] },
      ok('arity', { human_ranking: [0, 1, 2] }),
      ok('range', { response: ['a', 'b', 'c'], human_ranking: [0, 5, 1] }),
      ok('empty-response', { response: ['fine', '  '] }),
      ok('missing-image', { image: 'images/nope.png' }),
      ok('text-image', { image: 'images/text.png' }),
      ok('cut-image', { image: 'images/cut.png' }),
      ok('bomb-image', { image: 'images/bomb.png' }),
      ok('escape', { image: '../outside.png' }),
      ok('good-1', { query: 'a different question' }),
      ok('good-1'),
      ok('one-response', { response: ['only'], human_ranking: [0] }),
      ok('no-best', { human_ranking: [1, 1] }),
      ok('second-image-bad', { image: ['images/red.png', 'images/nope.png'] }),
      ok('good-2', { image: undefined }),
    ]);
    const report = await importDataset(store, file);
    const messages = report.errors.map((error) => error.message);
    const img = (name: string) => join(data, 'images', name);
    expect(messages).toEqual([
      'bad.jsonl:2: malformed JSON; each line must be one complete JSON object',
      'bad.jsonl:3: missing field "query"; add the question asked about the image',
      'bad.jsonl:4: human_ranking has 3 entries but there are 2 responses; give one rank per response',
      'bad.jsonl:5: human_ranking[1] = 5 is out of range; ranks go from 0 (best) to 2',
      'bad.jsonl:6: response[1] is empty; every response needs text',
      `bad.jsonl:7: image not found at ${img('nope.png')}; check the path (relative paths are resolved from the data file's folder)`,
      'bad.jsonl:8: image "images/text.png" is not an image (its content is not JPEG, PNG, WebP, GIF or TIFF); replace it with a real image file; the extension alone does not make a file an image',
      'bad.jsonl:9: image "images/cut.png" is a corrupt image (it cannot be fully decoded); the file is truncated or damaged; re-export or re-download it',
      'bad.jsonl:10: image "images/bomb.png" is 30000x30000 (900 megapixels), over the 50-megapixel limit; downscale the image and import again',
      `bad.jsonl:11: image path "../outside.png" escapes the data folder ${data}; move the image into that folder (or a subfolder) and fix the path`,
      'bad.jsonl:12: duplicate id "good-1" with different content (first seen at line 1); give this row a new id',
      'bad.jsonl:14: field "response" has 1 response; a preference needs at least 2',
      'bad.jsonl:15: human_ranking [1,1] has no rank 0; the best response must have rank 0',
      `bad.jsonl:16: image not found at ${img('nope.png')}; check the path (relative paths are resolved from the data file's folder)`,
    ]);
    expect(report.errors[0]).toEqual({ line: 2, reason: 'malformed JSON; each line must be one complete JSON object', message: messages[0] });
    expect(report).toMatchObject({ rowsRead: 17, added: 2, unchanged: 1, labeled: 2, errorCount: 14 });
    expect(store.listItems({}).items.map((item) => item.id)).toEqual(['good-1', 'good-2']);
    // Nothing of a bad row is left behind: no responses, images or judgments without their item.
    const orphans = store.db
      .prepare(
        `SELECT (SELECT COUNT(*) FROM responses) AS responses, (SELECT COUNT(*) FROM item_images) AS images,
                (SELECT COUNT(*) FROM judgments) AS judgments, (SELECT COUNT(*) FROM images) AS stored`,
      )
      .get();
    expect(orphans).toEqual({ responses: 4, images: 1, judgments: 2, stored: 1 });
    store.close();
  });

  it('changes nothing when the same file is imported again', async () => {
    const store = newProject();
    const file = await writeSeedFolder(tempDir());
    await importDataset(store, file);
    const before = store.db.prepare('SELECT COUNT(*) AS n FROM judgment_history').get();
    const again = await importDataset(store, file);
    expect(again).toMatchObject({ rowsRead: 6, added: 0, unchanged: 6, labeled: 0, imagesAdded: 0, errorCount: 0 });
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM judgment_history').get()).toEqual(before);
    expect(store.summary().itemCount).toBe(6);
    expect(listImports(store)).toHaveLength(2);
    store.close();
  });

  it('refuses an id already in the project with different content, and relabels one with a changed label', async () => {
    const store = newProject();
    const dir = tempDir();
    const file = await writeSeedFolder(dir);
    await importDataset(store, file);
    const rows = defaultSeedRows();
    const changed = join(dir, 'changed.jsonl');
    writeJsonl(changed, [
      { ...rows[0], response: ['Red!', 'Blue.'] },
      { ...rows[1], human_ranking: [0, 1] },
      { ...rows[5], human_ranking: [1, 0] },
    ]);
    const report = await importDataset(store, changed);
    expect(report.errors.map((error) => error.message)).toEqual([
      'changed.jsonl:1: duplicate id "one-image" with different content (already in project); give this row a new id, or delete the old item first',
    ]);
    expect(report).toMatchObject({ added: 0, unchanged: 2, labeled: 2, relabeled: 1 });
    expect(store.getItem('second-better').resolvedRanking).toEqual([0, 1]);
    expect(store.getItem('unlabeled').resolvedRanking).toEqual([1, 0]);
    expect(store.judgmentHistory('second-better').map((entry) => entry.action)).toEqual(['update', 'create']);
    store.close();
  });

  it('assigns splits from ids, or forces one, and attributes labels to the chosen annotator', async () => {
    const store = newProject();
    const file = await writeSeedFolder(tempDir());
    await importDataset(store, file, { split: 'test', annotator: 'alice' });
    expect(store.summary().bySplit.test.items).toBe(6);
    expect(store.summary().byAnnotator).toEqual([{ name: 'alice', judged: 5 }]);
    store.close();
  });

  it('reads images by absolute path, and hashes each shared image once', async () => {
    const store = newProject();
    const dir = tempDir();
    await writeSeedFolder(dir, []);
    const abs = join(dir, 'images', 'red.png');
    const copy = join(dir, 'images', 'red-copy.png');
    copyFileSync(abs, copy);
    const rows = Array.from({ length: 50 }, (_, i) => ({
      id: `row-${i}`,
      query: `question ${i}`,
      image: i % 2 === 0 ? abs : 'images/red-copy.png',
      response: ['x', 'y'],
      human_ranking: [0, 1],
    }));
    writeJsonl(join(dir, 'many.jsonl'), rows);
    const report = await importDataset(store, join(dir, 'many.jsonl'), { batchSize: 7 });
    expect(report).toMatchObject({ added: 50, imagesAdded: 1, errorCount: 0 });
    const mediaFiles = readdirSync(join(store.dir, 'media'), { recursive: true }).filter((name) => String(name).endsWith('.png'));
    expect(mediaFiles).toHaveLength(1);
    store.close();
  });

  it('reports progress per batch and stops when cancelled, keeping committed batches', async () => {
    const store = newProject();
    const dir = tempDir();
    const rows = Array.from({ length: 30 }, (_, i) => ({ id: `t${i}`, query: 'q', response: ['a', 'b'] }));
    writeJsonl(join(dir, 'text.jsonl'), rows);
    const seen: ImportProgress[] = [];
    const controller = new AbortController();
    const report = await importDataset(store, join(dir, 'text.jsonl'), {
      batchSize: 10,
      signal: controller.signal,
      onProgress: (progress) => {
        seen.push(progress);
        if (seen.length === 2) controller.abort();
      },
    });
    expect(seen.map((progress) => progress.rowsRead)).toEqual([10, 20]);
    expect(seen[0]?.totalBytes).toBeGreaterThan(0);
    expect(report).toMatchObject({ cancelled: true, added: 20 });
    expect(store.summary().itemCount).toBe(20);
    store.close();
  });

  it('fails clearly for a missing file or rows of no known format; reads a JSON array of rows', async () => {
    const store = newProject();
    const dir = tempDir();
    await expect(importDataset(store, join(dir, 'nope.jsonl'))).rejects.toThrow(`cannot open ${join(dir, 'nope.jsonl')}`);
    writeFileSync(join(dir, 'array.json'), '[{"id": 1}]');
    const error = await importDataset(store, join(dir, 'array.json')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).message).toBe(`${join(dir, 'array.json')}: format not recognised: found keys id; closest formats: seed (5% fit)`);
    writeFileSync(join(dir, 'rows.json'), JSON.stringify([{ id: 'x', query: 'q', response: ['a', 'b'], human_ranking: [1, 0] }], null, 2));
    expect(await importDataset(store, join(dir, 'rows.json'))).toMatchObject({ format: 'seed', container: 'json', added: 1, labeled: 1 });
    store.close();
  });

  it('accepts numeric ids, CRLF line ends, a BOM and blank lines, and counts lines as an editor does', async () => {
    const store = newProject();
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    const text = '\uFEFF{"id": 7, "query": "q", "response": ["a", "b"]}\r\n\r\n{"id": 7, "query": "other", "response": ["a", "b"]}\r\n';
    writeFileSync(join(dir, 'crlf.jsonl'), text);
    const report = await importDataset(store, join(dir, 'crlf.jsonl'));
    expect(report.errors.map((error) => error.message)).toEqual([
      'crlf.jsonl:3: duplicate id "7" with different content (first seen at line 1); give this row a new id',
    ]);
    expect(store.getItem('7').query).toBe('q');
    store.close();
  });
});

describe('rows that fail while being written', () => {
  it('lose only themselves: the batch is redone with a savepoint per row', async () => {
    const store = newProject();
    // A trigger stands in for a constraint no validation foresaw.
    store.db.exec(`CREATE TRIGGER refuse_boom BEFORE INSERT ON item_images WHEN (SELECT id FROM items WHERE rowid = NEW.item_rowid) = 'boom'
                   BEGIN SELECT RAISE(ABORT, 'boom refused'); END`);
    const dir = tempDir();
    await writeSeedFolder(dir, []);
    writeJsonl(join(dir, 'rows.jsonl'), [
      { id: 'before', query: 'q', image: 'images/red.png', response: ['a', 'b'], human_ranking: [0, 1] },
      { id: 'boom', query: 'q', image: 'images/blue.png', response: ['a', 'b'], human_ranking: [0, 1] },
      { id: 'after', query: 'q', image: 'images/blue.png', response: ['a', 'b'], human_ranking: [1, 0] },
    ]);
    const report = await importDataset(store, join(dir, 'rows.jsonl'));
    expect(report.errors.map((error) => error.message)).toEqual([
      "rows.jsonl:2: could not be saved (boom refused); check the row's id and fields",
    ]);
    expect(report).toMatchObject({ added: 2, labeled: 2, imagesAdded: 2 });
    expect(store.listItems({}).items.map((item) => item.id)).toEqual(['before', 'after']);
    expect(store.getItem('after').images).toHaveLength(1);
    const counts = store.db
      .prepare('SELECT (SELECT COUNT(*) FROM responses) AS responses, (SELECT COUNT(*) FROM judgments) AS judgments, (SELECT COUNT(*) FROM judgment_history) AS history')
      .get();
    expect(counts).toEqual({ responses: 4, judgments: 2, history: 2 });
    store.close();
  });
});

describe('deleted items', () => {
  it('come back when the same row is imported again, and give way to a new row with their id', async () => {
    const store = newProject();
    const dir = tempDir();
    const file = await writeSeedFolder(dir);
    await importDataset(store, file);
    store.deleteItems(['tie', 'one-image']);
    const rows = defaultSeedRows();
    writeJsonl(join(dir, 'again.jsonl'), [rows[4] ?? {}, { ...rows[0], query: 'changed', human_ranking: [1, 0] }, { ...rows[1], query: 'changed' }]);
    const report = await importDataset(store, join(dir, 'again.jsonl'));
    expect(report).toMatchObject({ added: 2, unchanged: 0, errorCount: 1 });
    expect(report.errors.map((error) => error.reason)).toEqual([
      'duplicate id "second-better" with different content (already in project); give this row a new id, or delete the old item first',
    ]);
    expect(store.getItem('tie').resolvedRanking).toEqual([0, 0, 1]);
    expect(store.getItem('one-image')).toMatchObject({ query: 'changed', resolvedRanking: [1, 0] });
    expect(store.getItem('one-image').judgments).toHaveLength(1);
    expect(store.summary().itemCount).toBe(6);
    store.close();
  });
});
