import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDataset } from '../../app/dataset/import-dataset';
import { sha256Hex } from '../../app/media/media-store';
import { ProjectStore } from '../../app/store/project-store';
import { pngBytes, writePngBomb } from '../fixtures/images';
import { writeDpoParquet, writeSeedParquet } from '../fixtures/parquet-files';
import { writeSeedFolder } from '../fixtures/seed-files';
import { tempDir } from '../fixtures/temp-dirs';

function newProject(): ProjectStore {
  return ProjectStore.create(join(tempDir(), 'project'), { name: 'Parquet' });
}

describe('Parquet import', () => {
  it('reads seed columns with image paths, row group by row group, and reports bad rows by row number', async () => {
    const dir = tempDir();
    await writeSeedFolder(dir, []);
    const rows = Array.from({ length: 25 }, (_, i) => ({
      id: `pq-${i}`,
      query: `What is shown? ${i}`,
      image: i % 3 === 0 ? null : 'images/red.png',
      response: i % 4 === 0 ? ['one', 'two', 'three'] : ['one', 'two'],
      human_ranking: i % 5 === 0 ? null : i % 4 === 0 ? [2, 0, 1] : [1, 0],
    }));
    rows[7] = { ...rows[7]!, human_ranking: [0, 4] };
    rows[11] = { ...rows[11]!, image: 'images/missing.png' };
    const file = join(dir, 'test_data.parquet');
    writeSeedParquet(file, rows, { imageAs: 'path', rowGroupSize: 10 });
    const store = newProject();
    const progress: number[] = [];
    const report = await importDataset(store, file, { batchSize: 10, onProgress: (p) => progress.push(p.bytesRead) });
    expect(report).toMatchObject({ format: 'seed', container: 'parquet' });
    expect(report.errors.map((error) => error.message)).toEqual([
      'test_data.parquet:8: human_ranking[1] = 4 is out of range; ranks go from 0 (best) to 1',
      `test_data.parquet:12: image not found at ${join(dir, 'images', 'missing.png')}; check the path (relative paths are resolved from the data file's folder)`,
    ]);
    expect(report).toMatchObject({ rowsRead: 25, added: 23, errorCount: 2 });
    expect(progress.length).toBe(3);
    expect(progress[2]).toBeGreaterThan(progress[0] ?? 0);
    expect(store.getItem('pq-4')).toMatchObject({ responses: ['one', 'two', 'three'], resolvedRanking: [2, 0, 1] });
    expect(store.getItem('pq-5')).toMatchObject({ resolvedRanking: null });
    expect(store.getItem('pq-3').images).toEqual([]);
    expect(store.getItem('pq-1').images[0]).toMatchObject({ width: 32, height: 24 });
    const again = await importDataset(store, file);
    expect(again).toMatchObject({ added: 0, unchanged: 23, errorCount: 2 });
    store.close();
  });

  it('stores images embedded as HF-datasets {bytes, path} structs, refusing bad bytes', async () => {
    const dir = tempDir();
    const png = await pngBytes(10, 6);
    writePngBomb(join(dir, 'bomb.png'), 20000, 20000);
    const bomb = readFileSync(join(dir, 'bomb.png'));
    const file = join(dir, 'embedded.parquet');
    writeSeedParquet(
      file,
      [
        { id: 'e1', query: 'q', image: { bytes: png, path: 'original/name.png' }, response: ['a', 'b'], human_ranking: [0, 1] },
        { id: 'e2', query: 'q', image: { bytes: png, path: null }, response: ['c', 'd'], human_ranking: [1, 0] },
        { id: 'e3', query: 'q', image: { bytes: new TextEncoder().encode('not a picture'), path: 'x.png' }, response: ['a', 'b'] },
        { id: 'e4', query: 'q', image: { bytes: bomb, path: 'bomb.png' }, response: ['a', 'b'] },
      ],
      { imageAs: 'struct' },
    );
    const store = newProject();
    const report = await importDataset(store, file);
    expect(report.errors.map((error) => error.message)).toEqual([
      'embedded.parquet:3: image "x.png" (embedded) is not an image (its content is not JPEG, PNG, WebP, GIF or TIFF); replace it with a real image file; the extension alone does not make a file an image',
      'embedded.parquet:4: image "bomb.png" (embedded) is 20000x20000 (400 megapixels), over the 50-megapixel limit; downscale the image and import again',
    ]);
    expect(report).toMatchObject({ added: 2, imagesAdded: 1 });
    const image = store.getItem('e1').images[0];
    expect(image?.sha256).toBe(sha256Hex(png));
    expect(readFileSync(join(store.dir, image?.relPath ?? '')).equals(png)).toBe(true);
    expect(store.getItem('e2').images[0]?.sha256).toBe(sha256Hex(png));
    store.close();
  });

  it('reads TRL DPO columns from Parquet', async () => {
    const dir = tempDir();
    const file = join(dir, 'dpo.parquet');
    writeDpoParquet(file, [
      { prompt: 'What is 2+2?', chosen: '4', rejected: '5' },
      { prompt: 'Capital of France?', chosen: 'Paris', rejected: 'Lyon' },
    ]);
    const store = newProject();
    const report = await importDataset(store, file);
    expect(report).toMatchObject({ format: 'trl', container: 'parquet', added: 2, errorCount: 0 });
    const item = store.getItem(store.listItems({ search: 'France' }).items[0]?.id ?? '');
    expect(item).toMatchObject({ query: 'Capital of France?', responses: ['Paris', 'Lyon'], resolvedRanking: [0, 1], prompt: null });
    store.close();
  });

  it('refuses a file that is not Parquet', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'fake.parquet'), '{"id": 1}\n');
    const store = newProject();
    await expect(importDataset(store, join(dir, 'fake.parquet'))).rejects.toThrow(`${join(dir, 'fake.parquet')} is not a Parquet file`);
    const truncated = join(dir, 'cut.parquet');
    writeSeedParquet(truncated, [{ id: 'a', query: 'q', response: ['a', 'b'] }], { imageAs: 'path' });
    const bytes = readFileSync(truncated);
    writeFileSync(truncated, Buffer.concat([bytes.subarray(0, 4), bytes.subarray(bytes.length - 20)]));
    await expect(importDataset(store, truncated)).rejects.toThrow('is not a readable Parquet file');
    store.close();
  });
});

describe('format detection', () => {
  it('finds Parquet by content, whatever the name; a forced format reads its rows', async () => {
    const dir = tempDir();
    const file = join(dir, 'data.bin');
    writeSeedParquet(file, [{ id: 'a', query: 'q', response: ['a', 'b'], human_ranking: [0, 1] }], { imageAs: 'path' });
    const store = newProject();
    expect(await importDataset(store, file)).toMatchObject({ format: 'seed', container: 'parquet', added: 1 });
    expect(await importDataset(store, file, { format: 'seed' })).toMatchObject({ format: 'seed', container: 'parquet', unchanged: 1 });
    await expect(importDataset(store, file, { format: 'trl' })).resolves.toMatchObject({ errorCount: 1, reasons: [{ count: 1 }] });
    store.close();
  });
});
