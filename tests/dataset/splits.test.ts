import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDataset } from '../../app/dataset/import-dataset';
import { DEFAULT_SPLIT_SEED, normalizeRatios, splitFor, splitPosition } from '../../app/dataset/splits';
import { ProjectStore } from '../../app/store/project-store';
import type { Split } from '../../app/store/types';
import { tempDir, writeJsonl } from '../fixtures/temp-dirs';

const ratios = { train: 0.8, val: 0.1, test: 0.1 };

function textRows(from: number, to: number): object[] {
  return Array.from({ length: to - from }, (_, k) => ({ id: `item-${from + k}`, query: `q${from + k}`, response: ['a', 'b'] }));
}

function splitsOf(store: ProjectStore): Map<string, Split> {
  const rows = store.db.prepare('SELECT id, split FROM items').all() as { id: string; split: Split }[];
  return new Map(rows.map((row) => [row.id, row.split]));
}

describe('splits', () => {
  it('is a pure function of seed and id', () => {
    expect(splitPosition('abc', 's')).toBe(splitPosition('abc', 's'));
    expect(splitPosition('abc', 's')).not.toBe(splitPosition('abc', 't'));
    // A pinned value: changing the hash would silently move every item of every project.
    // Computed independently: python3 -c "import hashlib; d=hashlib.sha256(b'reward-studioitem-1').digest(); print(int.from_bytes(d[:6], 'big') / 2**48)"
    expect(splitPosition('item-1', DEFAULT_SPLIT_SEED)).toBe(0.8163678237833807);
    for (let i = 0; i < 100; i++) expect(splitFor(`x${i}`, 'seed', ratios)).toBe(splitFor(`x${i}`, 'seed', ratios));
  });

  it('follows the ratios', () => {
    const counts: Record<Split, number> = { train: 0, val: 0, test: 0 };
    for (let i = 0; i < 20000; i++) counts[splitFor(`id-${i}`, 'seed', ratios)] += 1;
    expect(counts.train / 20000).toBeCloseTo(0.8, 1);
    expect(counts.val / 20000).toBeGreaterThan(0.09);
    expect(counts.val / 20000).toBeLessThan(0.11);
    expect(counts.test / 20000).toBeGreaterThan(0.09);
    const noTest: Record<Split, number> = { train: 0, val: 0, test: 0 };
    for (let i = 0; i < 2000; i++) noTest[splitFor(`id-${i}`, 'seed', { train: 0.9, val: 0.1, test: 0 })] += 1;
    expect(noTest.test).toBe(0);
  });

  it('accepts percentages and refuses nonsense', () => {
    expect(normalizeRatios({ train: 80, val: 10, test: 10 })).toEqual({ train: 0.8, val: 0.1, test: 0.1 });
    expect(() => normalizeRatios({ train: 0, val: 0, test: 0 })).toThrow('split ratios are all zero');
    expect(() => normalizeRatios({ train: -1, val: 1, test: 0 })).toThrow('split ratio train = -1 is not a number ≥ 0');
  });

  it('keeps existing items where they are when more are imported', async () => {
    const store = ProjectStore.create(join(tempDir(), 'p'), { name: 'Splits', splitRatios: ratios, splitSeed: 'fixed' });
    const dir = tempDir();
    writeJsonl(join(dir, 'a.jsonl'), textRows(0, 300));
    writeJsonl(join(dir, 'b.jsonl'), textRows(0, 1000));
    await importDataset(store, join(dir, 'a.jsonl'));
    const first = splitsOf(store);
    expect(new Set(first.values())).toEqual(new Set(['train', 'val', 'test']));
    await importDataset(store, join(dir, 'b.jsonl'));
    const second = splitsOf(store);
    expect(second.size).toBe(1000);
    for (const [id, split] of first) expect(second.get(id)).toBe(split);
    for (const [id, split] of second) expect(split).toBe(splitFor(id, 'fixed', ratios));
    store.close();
  });

  it('re-splits only on request, undoing hand-made moves', async () => {
    const store = ProjectStore.create(join(tempDir(), 'p'), { name: 'Resplit' });
    const dir = tempDir();
    writeJsonl(join(dir, 'a.jsonl'), textRows(0, 200));
    await importDataset(store, join(dir, 'a.jsonl'));
    store.setSplit(['item-0'], 'test');
    await importDataset(store, join(dir, 'a.jsonl'));
    expect(store.getItem('item-0').split).toBe('test');
    const counts = store.resplit({ train: 0.5, val: 0.5, test: 0 }, 'new-seed');
    expect(counts.train + counts.val).toBe(200);
    expect(counts.test).toBe(0);
    expect(store.summary()).toMatchObject({ splitRatios: { train: 0.5, val: 0.5, test: 0 }, splitSeed: 'new-seed' });
    for (const [id, split] of splitsOf(store)) expect(split).toBe(splitFor(id, 'new-seed', { train: 0.5, val: 0.5, test: 0 }));
    store.close();
  });
});
