import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportDataset } from '../../app/dataset/export-dataset';
import { importDataset } from '../../app/dataset/import-dataset';
import { ProjectStore } from '../../app/store/project-store';
import type { ItemDetail } from '../../app/store/types';
import { defaultSeedRows, writeSeedFolder } from '../fixtures/seed-files';
import { readJsonl, tempDir } from '../fixtures/temp-dirs';

async function seededProject(): Promise<ProjectStore> {
  const store = ProjectStore.create(join(tempDir(), 'project'), { name: 'Source' });
  const report = await importDataset(store, await writeSeedFolder(tempDir()));
  expect(report.errorCount).toBe(0);
  return store;
}

/** Every field the seed format carries, with images as content hashes and sizes. */
function seedFields(item: ItemDetail): object {
  return {
    id: item.id,
    query: item.query,
    responses: item.responses,
    images: item.images.map((image) => [image.sha256, image.width, image.height, image.format]),
    ranking: item.resolvedRanking,
    split: item.split,
  };
}

function allItems(store: ProjectStore): ItemDetail[] {
  return store.listItems({ limit: 1000 }).items.map((summary) => store.getItem(summary.id));
}

describe('seed export', () => {
  it('writes the seed field names and semantics, copying images next to the file', async () => {
    const store = await seededProject();
    const out = join(tempDir(), 'export', 'train.jsonl');
    const report = await exportDataset(store, { format: 'seed', split: 'all', out, images: 'copy' });
    expect(report).toMatchObject({ out, rows: 5, items: 5, imagesCopied: 3, skippedUnlabeled: 1, skippedTies: 0 });
    const lines = readJsonl(out);
    const sha = (id: string, index = 0) => store.getItem(id).images[index]?.sha256;
    expect(lines[0]).toEqual({
      id: 'one-image',
      query: 'What colour is the square?',
      image: `images/${sha('one-image')}.png`,
      response: ['Red.', 'Blue.'],
      human_ranking: [0, 1],
    });
    expect(Object.keys(lines[0] ?? {})).toEqual(['id', 'query', 'image', 'response', 'human_ranking']);
    expect(lines[2]?.image).toEqual([`images/${sha('two-images')}.png`, `images/${sha('two-images', 1)}.png`]);
    expect(lines[3]).toEqual({ id: 'text-only', query: 'Say hello politely.', response: ['Hello, nice to meet you.', 'hey', 'Go away.'], human_ranking: [0, 1, 2] });
    expect(lines[4]?.human_ranking).toEqual([0, 0, 1]);
    for (const line of lines) {
      for (const path of [line.image ?? []].flat() as string[]) expect(existsSync(join(out, '..', path))).toBe(true);
    }
    store.close();
  });

  it('writes unlabeled items with "human_ranking": null only when asked', async () => {
    const store = await seededProject();
    const out = join(tempDir(), 'all.jsonl');
    const report = await exportDataset(store, { format: 'seed', split: 'all', out, images: 'absolute', includeUnlabeled: true });
    expect(report).toMatchObject({ rows: 6, skippedUnlabeled: 0, imagesCopied: 0 });
    const unlabeled = readJsonl(out).find((line) => line.id === 'unlabeled');
    expect(unlabeled?.human_ranking).toBeNull();
    expect(isAbsolute(String(unlabeled?.image))).toBe(true);
    expect(String(unlabeled?.image).startsWith(join(store.dir, 'media'))).toBe(true);
    store.close();
  });

  it('lists unresolved conflicts and writes or skips them as chosen; an adjudicated item is no conflict', async () => {
    const store = await seededProject();
    // 'one-image' imported as [0, 1]: ana disagrees, so it is a conflict; 'text-only' is settled by a reviewer.
    store.saveJudgment({ itemId: 'one-image', annotator: 'ana', ranking: [1, 0] });
    store.saveJudgment({ itemId: 'text-only', annotator: 'ana', ranking: [2, 1, 0] });
    store.saveJudgment({ itemId: 'text-only', annotator: 'lead', ranking: [0, 1, 2], source: 'adjudication' });

    const included = await exportDataset(store, { format: 'seed', split: 'all', out: join(tempDir(), 'with.jsonl'), images: 'absolute' });
    expect(included.conflicts).toEqual({ items: 1, examples: ['one-image'], choice: 'include' });
    expect(included.items).toBe(5);
    // The latest annotator's ranking is what an included conflict carries; the adjudication wins elsewhere.
    const withLines = readJsonl(included.out);
    expect(withLines.find((line) => line.id === 'one-image')?.human_ranking).toEqual([1, 0]);
    expect(withLines.find((line) => line.id === 'text-only')?.human_ranking).toEqual([0, 1, 2]);

    const skipped = await exportDataset(store, { format: 'trl', split: 'all', out: join(tempDir(), 'without.jsonl'), images: 'absolute', conflicts: 'skip' });
    expect(skipped.conflicts).toEqual({ items: 1, examples: ['one-image'], choice: 'skip' });
    expect(skipped.items).toBe(included.items - 1);
    expect(readJsonl(skipped.out).some((line) => String(line.id).startsWith('one-image'))).toBe(false);

    // Conflicts outside the exported split are not counted.
    store.setSplit(['one-image'], 'test');
    const val = await exportDataset(store, { format: 'seed', split: 'train', out: join(tempDir(), 'train.jsonl'), images: 'absolute' });
    expect(val.conflicts.items).toBe(0);
    store.close();
  });

  it('exports one split', async () => {
    const store = await seededProject();
    store.setSplit(['tie', 'text-only'], 'val');
    const out = join(tempDir(), 'val.jsonl');
    await exportDataset(store, { format: 'seed', split: 'val', out, images: 'copy' });
    expect(readJsonl(out).map((line) => line.id)).toEqual(['text-only', 'tie']);
    store.close();
  });

  it('round-trips losslessly: import, export, import into a fresh project', async () => {
    const source = await seededProject();
    source.saveJudgment({ itemId: 'two-images', annotator: 'ana', ranking: [1, 0] });
    const out = join(tempDir(), 'roundtrip', 'data.jsonl');
    await exportDataset(source, { format: 'seed', split: 'all', out, images: 'copy', includeUnlabeled: true });
    const copy = ProjectStore.create(join(tempDir(), 'copy'), { name: 'Copy' });
    const report = await importDataset(copy, out);
    expect(report).toMatchObject({ added: 6, errorCount: 0 });
    const before = allItems(source).map(seedFields);
    const after = allItems(copy).map(seedFields);
    expect(after).toEqual(before);
    expect(after.find((item) => (item as { id: string }).id === 'two-images')).toMatchObject({ ranking: [1, 0] });
    // And exporting the copy gives the very same file.
    const again = join(tempDir(), 'again', 'data.jsonl');
    await exportDataset(copy, { format: 'seed', split: 'all', out: again, images: 'copy', includeUnlabeled: true });
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));
    source.close();
    copy.close();
  });

  it('never leaves a half file: a cancelled export keeps the old file and no temp files', async () => {
    const store = await seededProject();
    const dir = tempDir();
    const out = join(dir, 'data.jsonl');
    writeFileSync(out, 'old contents\n');
    const controller = new AbortController();
    controller.abort();
    // Replacing was confirmed: only the cancellation keeps the old file.
    await expect(exportDataset(store, { format: 'seed', split: 'all', out, images: 'copy', overwrite: true, signal: controller.signal })).rejects.toThrow(
      'export cancelled',
    );
    expect(readFileSync(out, 'utf8')).toBe('old contents\n');
    expect(readdirSync(dir)).toEqual(['data.jsonl']);
    store.close();
  });
});

describe('TRL export', () => {
  it('expands rankings into ordered pairs, drops ties, and keeps the image reference', async () => {
    const store = await seededProject();
    const out = join(tempDir(), 'trl.jsonl');
    const report = await exportDataset(store, { format: 'trl', split: 'all', out, images: 'copy' });
    const lines = readJsonl(out);
    expect(lines.map((line) => line.id)).toEqual([
      'one-image',
      'second-better',
      'two-images',
      'text-only#0-1',
      'text-only#0-2',
      'text-only#1-2',
      'tie#0-2',
      'tie#1-2',
    ]);
    expect(report).toMatchObject({ rows: 8, items: 5, skippedTies: 1, skippedUnlabeled: 1, skippedAllTied: 0 });
    const sha = store.getItem('second-better').images[0]?.sha256;
    const user = { role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Which shape?' }] };
    expect(lines[1]).toEqual({
      id: 'second-better',
      chosen: [user, { role: 'assistant', content: 'A tall rectangle.' }],
      rejected: [user, { role: 'assistant', content: 'A circle.' }],
      images: [`images/${sha}.png`],
    });
    expect(lines[4]).toEqual({
      id: 'text-only#0-2',
      chosen: [{ role: 'user', content: 'Say hello politely.' }, { role: 'assistant', content: 'Hello, nice to meet you.' }],
      rejected: [{ role: 'user', content: 'Say hello politely.' }, { role: 'assistant', content: 'Go away.' }],
    });
    store.close();
  });

  it('skips an item whose responses are all tied', async () => {
    const store = await seededProject();
    store.saveJudgment({ itemId: 'one-image', annotator: 'ana', ranking: [0, 0] });
    const report = await exportDataset(store, { format: 'trl', split: 'all', out: join(tempDir(), 't.jsonl'), images: 'absolute' });
    expect(report).toMatchObject({ skippedAllTied: 1, skippedTies: 2 });
    store.close();
  });
});

describe('seed rows fixture', () => {
  it('covers what the round trip claims to cover', () => {
    const rows = defaultSeedRows();
    expect(rows.some((row) => Array.isArray(row.image) && row.image.length > 1)).toBe(true);
    expect(rows.some((row) => row.image === undefined)).toBe(true);
    expect(rows.some((row) => row.response.length > 2)).toBe(true);
    expect(rows.some((row) => row.human_ranking && new Set(row.human_ranking).size < row.human_ranking.length)).toBe(true);
    expect(rows.some((row) => row.human_ranking === undefined)).toBe(true);
  });
});
