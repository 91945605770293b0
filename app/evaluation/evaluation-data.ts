/**
 * Freezing what an evaluation scores: the scope's items, written as seed-format JSONL (the same
 * `seedLine` the export and the training snapshot write, absolute image paths) into
 * `<project>/evaluations/<id>/data.jsonl`, and one evaluation_items row per item holding the human
 * ranking as it was frozen. Metrics are measured against that frozen ranking, so an evaluation's
 * numbers never change when someone judges an item afterwards.
 *
 * Scopes: a split scores every item of the split (labeled or not; only items with a preference
 * count in the metrics); 'unjudged' scores the items nobody has judged (no human_ranking).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { seedLine } from '../dataset/export-rows';
import { StudioError } from '../errors';
import { mediaRelPath } from '../media/media-store';
import type { ProjectStore } from '../store/project-store';
import { hasPreference } from './evaluation-metrics';
import { EvaluationRecords } from './evaluation-records';
import type { EvaluationScope } from './types';

export const EVALUATIONS_DIR = 'evaluations';
export const DATA_FILE = 'data.jsonl';
export const RESULTS_FILE = 'results.jsonl';
export const CONSOLE_FILE = 'console.log';

const PAGE = 1000;

export interface FrozenData {
  items: number;
  /** Items with a human preference (what the metrics will count). */
  labeled: number;
}

export function evaluationDir(projectDir: string, id: number): string {
  return path.join(projectDir, EVALUATIONS_DIR, String(id));
}

export async function freezeEvaluationData(store: ProjectStore, evaluationId: number, scope: EvaluationScope, file: string): Promise<FrozenData> {
  const records = new EvaluationRecords(store.db);
  const pages = store.itemPages();
  const counts: FrozenData = { items: 0, labeled: 0 };
  const temp = `${file}.tmp`;
  const stream = createWriteStream(temp, { encoding: 'utf8' });
  try {
    let after = 0;
    const split = scope === 'unjudged' ? 'all' : scope;
    for (let page = pages.page(after, PAGE, split); page.length > 0; page = pages.page(after, PAGE, split)) {
      after = page[page.length - 1]?.rowid ?? after;
      // An item's resolved ranking is null exactly when it has no judgment at all (adjudications included).
      const chosen = scope === 'unjudged' ? page.filter((item) => item.ranking === null) : page;
      if (chosen.length === 0) continue;
      records.freezeItems(evaluationId, chosen);
      let text = '';
      for (const item of chosen) {
        const images = item.images.map((image) => path.join(store.dir, mediaRelPath(image.sha256, image.ext)));
        text += `${JSON.stringify(seedLine(item, images))}\n`;
        counts.items += 1;
        if (hasPreference(item.ranking)) counts.labeled += 1;
      }
      await write(stream, text);
    }
    stream.end();
    await finished(stream);
    if (counts.items === 0) {
      throw new StudioError(
        'invalid_input',
        scope === 'unjudged' ? 'every item has been judged: there is nothing unjudged to score' : `the ${scope} split has no items to score`,
        scope === 'unjudged' ? 'Evaluate a split instead.' : 'Choose another split, or move items into this one (Dataset → Split).',
      );
    }
    await rename(temp, file);
    return counts;
  } catch (error) {
    stream.destroy();
    await rm(temp, { force: true });
    records.clearScores(evaluationId);
    throw error;
  }
}

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}
