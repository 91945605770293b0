import { join } from 'node:path';
import { importDataset } from '../../app/dataset/import-dataset';
import { ProjectStore } from '../../app/store/project-store';
import { tempDir, writeJsonl } from '../fixtures/temp-dirs';

/**
 * A real project of text-only items `it-01`…`it-NN` (import order = number), unlabeled unless
 * `labels` gives an imported human_ranking; three responses where `threeResponses` lists the id.
 */
export async function textProject(
  count: number,
  options: { labels?: Record<string, number[]>; threeResponses?: string[] } = {},
): Promise<ProjectStore> {
  const store = ProjectStore.create(join(tempDir(), 'project'), { name: 'Annotation test' });
  const file = join(tempDir(), 'items.jsonl');
  const rows = Array.from({ length: count }, (_, i) => {
    const id = itemId(i + 1);
    const three = options.threeResponses?.includes(id) ?? false;
    return {
      id,
      query: `Question number ${i + 1}${i + 1 === 4 ? ' about zebras' : ''}`,
      response: three ? [`left ${i + 1}`, `middle ${i + 1}`, `right ${i + 1}`] : [`left ${i + 1}`, i + 1 === 6 ? 'a ZEBRA answer' : `right ${i + 1}`],
      ...(options.labels?.[id] ? { human_ranking: options.labels[id] } : {}),
    };
  });
  writeJsonl(file, rows);
  const report = await importDataset(store, file, { split: 'train' });
  if (report.errorCount !== 0) throw new Error(`fixture import failed: ${JSON.stringify(report)}`);
  return store;
}

export function itemId(n: number): string {
  return `it-${String(n).padStart(2, '0')}`;
}

export function ids(list: { items: { id: string }[] }): string[] {
  return list.items.map((item) => item.id);
}
