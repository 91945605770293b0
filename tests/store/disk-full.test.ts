/**
 * A full disk, for real SQLite: `PRAGMA max_page_count` caps the database file, and SQLite then
 * answers exactly as on a full disk (SQLITE_FULL, "database or disk is full", the transaction
 * rolled back). Judgments and imports fail with a clear disk_full error, nothing saved before is
 * lost or damaged, and once there is room again everything works.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDataset } from '../../app/dataset/import-dataset';
import { toErrorShape } from '../../app/errors';
import type { ProjectStore } from '../../app/store/project-store';
import { tempDir, writeJsonl } from '../fixtures/temp-dirs';
import { textProject } from './annotation-project';

function fill(store: ProjectStore): number {
  const pages = Number(store.db.pragma('page_count', { simple: true }));
  store.db.pragma(`max_page_count = ${pages}`);
  return pages;
}

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to fail on a full disk');
}

function bigRows(count: number, prefix: string): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, query: `${prefix} question ${i} ${'x'.repeat(2000)}`, response: [`a ${i}`, `b ${i}`] }));
}

describe('a full disk', () => {
  it('refuses a judgment with disk_full, keeps every earlier judgment, and saves again once there is room', async () => {
    const store = await textProject(4);
    store.saveJudgment({ itemId: 'it-01', annotator: 'ana', ranking: [1, 0] });
    const pages = fill(store);

    const error = thrown(() => store.saveJudgment({ itemId: 'it-02', annotator: 'ana', ranking: [0, 1], note: 'n'.repeat(200_000) }));
    expect(toErrorShape(error)).toMatchObject({ code: 'disk_full', message: expect.stringContaining('database or disk is full') });
    expect(toErrorShape(error).hint).toContain('Free some space');
    expect(store.getItem('it-01').judgments.map((j) => j.ranking)).toEqual([[1, 0]]);
    expect(store.getItem('it-02').judgments).toEqual([]);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');

    store.db.pragma(`max_page_count = ${pages * 100}`);
    store.saveJudgment({ itemId: 'it-02', annotator: 'ana', ranking: [0, 1], note: 'n'.repeat(200_000) });
    expect(store.getItem('it-02').judgments).toHaveLength(1);
    store.close();
  });

  it('stops an import with disk_full: items before it stay, the database stays whole, the same file imports once there is room', async () => {
    const store = await textProject(3);
    store.saveJudgment({ itemId: 'it-03', annotator: 'ana', ranking: [0, 1] });
    const before = store.summary().itemCount;
    const file = join(tempDir(), 'big.jsonl');
    writeJsonl(file, bigRows(400, 'big'));
    const pages = fill(store);

    const failure = await importDataset(store, file, { split: 'train' }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).not.toBeNull();
    expect(toErrorShape(failure)).toMatchObject({ code: 'disk_full' });
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const after = store.summary().itemCount;
    console.log(`disk-full: ${after - before} of 400 items landed before the disk filled`);
    // Whole batches or nothing: never a half-written item.
    expect(after).toBeGreaterThanOrEqual(before);
    for (const id of ['it-01', 'it-02', 'it-03']) expect(store.getItem(id).responses).toHaveLength(2);
    expect(store.getItem('it-03').judgments).toHaveLength(1);

    store.db.pragma(`max_page_count = ${pages * 1000}`);
    const report = await importDataset(store, file, { split: 'train' });
    expect(report.errorCount).toBe(0);
    expect(store.summary().itemCount).toBe(before + 400);
    store.close();
  });

  it('says disk_full for a file write the file system refuses for space (ENOSPC, from /dev/full)', () => {
    const error = thrown(() => writeFileSync('/dev/full', 'x'.repeat(10_000)));
    expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(toErrorShape(error)).toMatchObject({ code: 'disk_full', message: expect.stringContaining('ENOSPC') });
  });
});
