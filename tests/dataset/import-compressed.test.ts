/**
 * Containers and compression, recognised from the bytes: JSON Lines or one JSON array, plain,
 * gzip or zstd. Compressed files are written here with real encoders (node:zlib for gzip; the
 * zstd command line, Python's zstandard or node:zlib's zstd, whichever this machine has).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { importDataset } from '../../app/dataset/import-dataset';
import { ProjectStore } from '../../app/store/project-store';
import { tempDir } from '../fixtures/temp-dirs';

type Encoder = { name: string; encode: (source: string, target: string) => void };

/** A real zstd encoder available here, or null (the zstd test then fails, saying what to install). */
function findZstdEncoder(): Encoder | null {
  if (spawnSync('zstd', ['--version']).status === 0) {
    return {
      name: 'zstd CLI',
      encode: (source, target) => {
        const run = spawnSync('zstd', ['-q', '-f', '-19', source, '-o', target], { encoding: 'utf8' });
        if (run.status !== 0) throw new Error(`zstd failed: ${run.stderr}`);
      },
    };
  }
  if (spawnSync('python3', ['-c', 'import zstandard']).status === 0) {
    return {
      name: 'python zstandard',
      encode: (source, target) => {
        const script = 'import sys, zstandard; open(sys.argv[2], "wb").write(zstandard.ZstdCompressor().compress(open(sys.argv[1], "rb").read()))';
        const run = spawnSync('python3', ['-c', script, source, target], { encoding: 'utf8' });
        if (run.status !== 0) throw new Error(`zstandard failed: ${run.stderr}`);
      },
    };
  }
  const compress = (zlib as unknown as { zstdCompressSync?: (data: Buffer) => Buffer }).zstdCompressSync;
  if (typeof compress === 'function') {
    return { name: 'node:zlib zstd', encode: (source, target) => writeFileSync(target, compress(readFileSync(source))) };
  }
  return null;
}

const zstd = findZstdEncoder();

/** Seed rows, long enough that a few thousand span several read chunks. */
function seedRows(count: number): object[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `row-${index}`,
    query: `Question ${index}: which answer is kinder? ${'padding '.repeat(40)}`,
    response: [`Kind answer ${index}.`, `Curt answer ${index}.`],
    human_ranking: index % 3 === 0 ? [1, 0] : [0, 1],
  }));
}

const jsonl = (rows: object[]) => rows.map((row) => JSON.stringify(row)).join('\n') + '\n';

function newStore(name: string): ProjectStore {
  return ProjectStore.create(join(tempDir(), name), { name });
}

function contents(store: ProjectStore): unknown[] {
  return store.listItems({ limit: 100_000 }).items.map((summary) => {
    const item = store.getItem(summary.id);
    return [item.id, item.query, item.responses, item.resolvedRanking];
  });
}

describe('compressed and JSON-array files', () => {
  it('reads gzip JSON Lines and a gzip JSON array as the plain file, whatever the name says', async () => {
    const dir = tempDir();
    const rows = seedRows(3000);
    writeFileSync(join(dir, 'plain.jsonl'), jsonl(rows));
    writeFileSync(join(dir, 'rows.jsonl.gz'), zlib.gzipSync(jsonl(rows)));
    // No extension at all, and a JSON array: recognised from the bytes.
    writeFileSync(join(dir, 'download'), zlib.gzipSync(JSON.stringify(rows)));
    expect(readFileSync(join(dir, 'rows.jsonl.gz')).length).toBeLessThan(readFileSync(join(dir, 'plain.jsonl')).length / 5);

    const plain = newStore('plain');
    expect(await importDataset(plain, join(dir, 'plain.jsonl'))).toMatchObject({ format: 'seed', container: 'jsonl', compression: 'none', added: 3000 });
    const gzipped = newStore('gzip');
    expect(await importDataset(gzipped, join(dir, 'rows.jsonl.gz'))).toMatchObject({
      format: 'seed',
      container: 'jsonl',
      compression: 'gzip',
      rowsRead: 3000,
      added: 3000,
      errorCount: 0,
    });
    const array = newStore('array');
    expect(await importDataset(array, join(dir, 'download'))).toMatchObject({ format: 'seed', container: 'json', compression: 'gzip', added: 3000 });
    expect(contents(gzipped)).toEqual(contents(plain));
    expect(contents(array)).toEqual(contents(plain));
    // Progress counts the compressed bytes read, up to the file's size.
    const progress: number[] = [];
    await importDataset(newStore('progress'), join(dir, 'rows.jsonl.gz'), { batchSize: 500, onProgress: (p) => progress.push(p.bytesRead / p.totalBytes) });
    expect(progress.length).toBeGreaterThanOrEqual(6);
    expect(progress.every((share) => share > 0 && share <= 1)).toBe(true);
    for (const store of [plain, gzipped, array]) store.close();
  });

  it('reads a pretty-printed JSON array with a byte-order mark; row numbers are array positions', async () => {
    const dir = tempDir();
    const rows: unknown[] = seedRows(3);
    rows.splice(1, 0, { id: 'broken', query: 'no responses' });
    writeFileSync(join(dir, 'rows.json'), '\uFEFF' + JSON.stringify(rows, null, 2));
    const store = newStore('pretty');
    const report = await importDataset(store, join(dir, 'rows.json'));
    expect(report).toMatchObject({ format: 'seed', container: 'json', compression: 'none', rowsRead: 4, added: 3, errorCount: 1 });
    expect(report.errors[0]).toMatchObject({ line: 2, message: 'rows.json:2: missing field "response"; give the candidate responses as a list' });
    store.close();
  });

  it(`reads zstd JSON Lines and a zstd JSON array (encoder: ${zstd?.name ?? 'none'})`, async () => {
    if (zstd === null) throw new Error('no zstd encoder here: install the zstd command line (apt-get install zstd; .ci/run does)');
    const dir = tempDir();
    const rows = seedRows(3000);
    writeFileSync(join(dir, 'plain.jsonl'), jsonl(rows));
    writeFileSync(join(dir, 'array.json'), JSON.stringify(rows.slice(0, 50)));
    zstd?.encode(join(dir, 'plain.jsonl'), join(dir, 'rows.jsonl.zst'));
    zstd?.encode(join(dir, 'array.json'), join(dir, 'array.json.zst'));
    expect(readFileSync(join(dir, 'rows.jsonl.zst')).readUInt32LE(0)).toBe(0xfd2fb528);

    const plain = newStore('plain');
    await importDataset(plain, join(dir, 'plain.jsonl'));
    const zst = newStore('zst');
    expect(await importDataset(zst, join(dir, 'rows.jsonl.zst'))).toMatchObject({
      format: 'seed',
      container: 'jsonl',
      compression: 'zstd',
      rowsRead: 3000,
      added: 3000,
      errorCount: 0,
    });
    expect(contents(zst)).toEqual(contents(plain));
    expect(await importDataset(zst, join(dir, 'array.json.zst'))).toMatchObject({ container: 'json', compression: 'zstd', rowsRead: 50, added: 0, unchanged: 50 });
    plain.close();
    zst.close();
  });

  it('stops on a truncated gzip or zstd file with a clear error; batches before the damage stay', async () => {
    const dir = tempDir();
    const gz = zlib.gzipSync(jsonl(seedRows(3000)));
    writeFileSync(join(dir, 'cut.jsonl.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
    const store = newStore('cut');
    await expect(importDataset(store, join(dir, 'cut.jsonl.gz'), { batchSize: 100 })).rejects.toMatchObject({
      code: 'bad_file',
      message: expect.stringContaining('the gzip stream is damaged'),
    });
    const kept = store.listItems({}).total;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(3000);
    if (zstd !== null) {
      writeFileSync(join(dir, 'plain.jsonl'), jsonl(seedRows(3000)));
      zstd.encode(join(dir, 'plain.jsonl'), join(dir, 'whole.jsonl.zst'));
      const whole = readFileSync(join(dir, 'whole.jsonl.zst'));
      writeFileSync(join(dir, 'cut.jsonl.zst'), whole.subarray(0, Math.floor(whole.length * 0.6)));
      await expect(importDataset(newStore('cut-zst'), join(dir, 'cut.jsonl.zst'))).rejects.toMatchObject({
        code: 'bad_file',
        message: expect.stringContaining('the zstd stream is damaged'),
      });
    }
    store.close();
  });
});
