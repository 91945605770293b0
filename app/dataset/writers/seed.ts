import type { FullItem } from '../../store/item-pages';
import type { Judgment } from '../../store/types';
import { judgmentFieldClashes, judgmentSeedLine, SEED_FIELDS, seedLine, storedMetadata } from '../export-rows';
import type { DroppedField, FormatWriter, ItemRows } from './format-writer';

/** One line per item with everything the studio keeps (export-rows.ts `seedLine`). */
export const seedWriter: FormatWriter = {
  container: () => 'jsonl',
  writesUnlabeled: true,
  rows: (item, imagePaths) => ({ rows: [seedLine(item, imagePaths)], ties: 0, dropped: seedFieldClashes(item) }),
};

/**
 * One line per judgment of a labeled item (ExportOptions.judgments 'each'), in the order given
 * (judgment id): each the item's seed line with that judgment's ranking and provenance.
 */
export function seedJudgmentRows(item: FullItem, imagePaths: string[], judgments: readonly Judgment[]): ItemRows {
  const dropped = seedFieldClashes(item);
  const clashing = judgmentFieldClashes(item);
  if (clashing.length > 0) {
    dropped.push({ what: 'metadata', reason: `source columns named like per-judgment fields (${clashing.join(', ')}) are not written` });
  }
  return { rows: judgments.map((judgment) => judgmentSeedLine(item, imagePaths, judgment)), ties: 0, dropped };
}

function seedFieldClashes(item: FullItem): DroppedField[] {
  const clashing = Object.keys(storedMetadata(item) ?? {}).filter((key) => (SEED_FIELDS as readonly string[]).includes(key));
  return clashing.length === 0
    ? []
    : [{ what: 'metadata', reason: `source columns named like seed fields (${clashing.join(', ')}) are not written` }];
}
