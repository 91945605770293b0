import { SEED_FIELDS, seedLine, storedMetadata } from '../export-rows';
import type { FormatWriter } from './format-writer';

/** One line per item with everything the studio keeps (export-rows.ts `seedLine`). */
export const seedWriter: FormatWriter = {
  container: () => 'jsonl',
  writesUnlabeled: true,
  rows: (item, imagePaths) => {
    const clashing = Object.keys(storedMetadata(item) ?? {}).filter((key) => (SEED_FIELDS as readonly string[]).includes(key));
    return {
      rows: [seedLine(item, imagePaths)],
      ties: 0,
      dropped:
        clashing.length === 0
          ? []
          : [{ what: 'metadata', reason: `source columns named like seed fields (${clashing.join(', ')}) are not written` }],
    };
  },
};
