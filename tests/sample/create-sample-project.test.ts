import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSampleProject, keepsLabel, SAMPLE_PROJECT_NAME } from '../../app/sample/create-sample-project';
import { ProjectStore } from '../../app/store/project-store';
import { tempDir } from '../fixtures/temp-dirs';

describe('sample project', () => {
  it('creates a named project with images, both splits and about a third of the items judged', async () => {
    const dir = join(tempDir(), 'sample');
    const store = await createSampleProject(dir, { items: 60, seed: 7 });
    const summary = store.summary();
    expect(summary.name).toBe(SAMPLE_PROJECT_NAME);
    expect(summary.itemCount).toBe(60);
    const expectedLabeled = store.listItems({ limit: 100 }).items.filter((item) => keepsLabel(item.id, 7)).length;
    expect(summary.labeledCount).toBe(expectedLabeled);
    expect(summary.labeledCount / 60).toBeGreaterThan(0.15);
    expect(summary.labeledCount / 60).toBeLessThan(0.55);
    expect(summary.bySplit.train.items).toBeGreaterThan(0);
    expect(summary.bySplit.val.items).toBeGreaterThan(0);
    const list = store.listItems({ limit: 100 });
    expect(list.items.every((item) => item.image !== null && item.thumb !== null)).toBe(true);
    expect(list.items.some((item) => item.responseCount > 2)).toBe(true);
    const first = list.items[0];
    expect(existsSync(join(dir, first?.thumb ?? ''))).toBe(true);
    expect(existsSync(join(dir, first?.image?.relPath ?? ''))).toBe(true);
    const labeled = store.listItems({ status: 'labeled', limit: 1 }).items[0];
    expect(store.getItem(labeled?.id ?? '').resolvedRanking).not.toBeNull();
    store.close();
    expect(ProjectStore.open(dir).summary().itemCount).toBe(60);
  });

  it('is reproducible for a seed', async () => {
    const a = await createSampleProject(join(tempDir(), 'a'), { items: 12, seed: 3 });
    const b = await createSampleProject(join(tempDir(), 'b'), { items: 12, seed: 3 });
    const view = (store: ProjectStore) =>
      store.listItems({ limit: 100 }).items.map((item) => {
        const detail = store.getItem(item.id);
        return [detail.id, detail.query, detail.responses, detail.resolvedRanking, detail.split, detail.images[0]?.sha256];
      });
    expect(view(b)).toEqual(view(a));
    a.close();
    b.close();
  });
});
