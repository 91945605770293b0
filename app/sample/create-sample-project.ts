import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importDataset } from '../dataset/import-dataset';
import { StudioError } from '../errors';
import { ProjectStore } from '../store/project-store';
import { generateSampleData } from './generate-sample-data';

export const SAMPLE_PROJECT_NAME = 'Sample: colour shapes';
/** Share of items that keep their label, so the annotate screen has work and the others have data. */
export const SAMPLE_LABELED_SHARE = 0.35;
const SAMPLE_VAL_RATIO = 0.2;

export interface SampleProjectOptions {
  items?: number;
  seed?: number;
}

/**
 * Creates the sample project in `dir` (missing or empty): synthetic colour-shape images,
 * the generator's train/val split, and labels kept for about a third of the items.
 */
export async function createSampleProject(dir: string, options: SampleProjectOptions = {}): Promise<ProjectStore> {
  const items = options.items ?? 240;
  const seed = options.seed ?? 7;
  const work = await mkdtemp(join(tmpdir(), 'reward-studio-sample-'));
  let store: ProjectStore | null = null;
  try {
    const data = await generateSampleData(work, { items, seed, valRatio: SAMPLE_VAL_RATIO });
    store = ProjectStore.create(dir, { name: SAMPLE_PROJECT_NAME, splitRatios: { train: 1 - SAMPLE_VAL_RATIO, val: SAMPLE_VAL_RATIO, test: 0 } });
    for (const [file, split] of [
      [data.trainFile, 'train'],
      [data.valFile, 'val'],
    ] as const) {
      await keepSomeLabels(file, seed);
      const report = await importDataset(store, file, { split });
      if (report.errorCount > 0) {
        throw new StudioError('internal', `the sample data did not import cleanly: ${report.errors[0]?.message ?? ''}`, 'This is a bug in the sample generator.');
      }
    }
    return store;
  } catch (error) {
    store?.close();
    throw error;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Rewrites a generated file so only a stable ~35% of its items keep `human_ranking`. */
async function keepSomeLabels(file: string, seed: number): Promise<void> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line.trim() !== '');
  const rewritten = lines.map((line) => {
    const row = JSON.parse(line) as { id: string; human_ranking?: number[] | null };
    if (keepsLabel(row.id, seed)) return line;
    const { human_ranking: _dropped, ...unlabeled } = row;
    return JSON.stringify(unlabeled);
  });
  await writeFile(file, rewritten.join('\n') + '\n');
}

export function keepsLabel(itemId: string, seed: number): boolean {
  const digest = createHash('sha256').update(`sample-label:${seed}:${itemId}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32 < SAMPLE_LABELED_SHARE;
}
