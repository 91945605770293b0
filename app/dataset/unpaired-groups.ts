/**
 * Unpaired (KTO-style) rows judge one completion at a time: `label: true` desirable, `false`
 * not. Rows with an identical prompt (conversation, images and tools) become one item ranking
 * every desirable completion above every undesirable one, equals tied. A prompt with only one
 * kind of completion has no preference yet: it is imported unlabeled and counted; one with a
 * single completion cannot be compared at all and is reported.
 */
import { createHash } from 'node:crypto';
import { conversationItem } from './conversation';
import type { UnpairedRow } from './formats/format-reader';
import { RowError, type ParsedRow } from './parsed-row';

export interface UnpairedCounts {
  /** Unpaired rows read. */
  rows: number;
  /** Items made from them. */
  items: number;
  /** Of those, items with only desirable or only undesirable completions (imported unlabeled). */
  oneKind: number;
  /** Groups handed on (items and groups that could not be items): each is one row to the writer. */
  groups: number;
}

interface Group {
  line: number;
  first: UnpairedRow;
  completions: Map<string, { desirable: boolean; line: number }>;
  error: string | null;
}

export class UnpairedGroups {
  private readonly groups = new Map<string, Group>();
  readonly counts: UnpairedCounts = { rows: 0, items: 0, oneKind: 0, groups: 0 };

  add(row: UnpairedRow, line: number): void {
    this.counts.rows += 1;
    const key = groupKey(row);
    let group = this.groups.get(key);
    if (group === undefined) {
      group = { line, first: row, completions: new Map(), error: null };
      this.groups.set(key, group);
    }
    const seen = group.completions.get(row.completion);
    if (seen !== undefined && seen.desirable !== row.desirable && group.error === null) {
      group.error = `the same completion is labeled both desirable and undesirable (lines ${seen.line} and ${line}); keep one label`;
    }
    if (seen === undefined) group.completions.set(row.completion, { desirable: row.desirable, line });
  }

  /** The grouped items, in order of each prompt's first row; groups that cannot be items as errors. */
  *items(): Generator<{ line: number; parsed?: ParsedRow; error?: string }> {
    for (const group of this.groups.values()) {
      this.counts.groups += 1;
      if (group.error !== null) {
        yield { line: group.line, error: group.error };
        continue;
      }
      const completions = [...group.completions.entries()];
      if (completions.length < 2) {
        yield {
          line: group.line,
          error: 'unpaired row: its prompt has only one completion in the file, so there is nothing to compare it with',
        };
        continue;
      }
      const kinds = new Set(completions.map(([, value]) => value.desirable));
      try {
        const parsed = conversationItem({
          id: null,
          idPrefix: 'kto',
          prompt: group.first.prompt,
          responses: completions.map(([text]) => text),
          ranking: kinds.size === 2 ? completions.map(([, value]) => (value.desirable ? 0 : 1)) : null,
          images: group.first.images,
          tools: group.first.tools,
        });
        this.counts.items += 1;
        if (kinds.size === 1) this.counts.oneKind += 1;
        yield { line: group.line, parsed };
      } catch (error) {
        if (!(error instanceof RowError)) throw error;
        yield { line: group.line, error: error.reason };
      }
    }
  }
}

function groupKey(row: UnpairedRow): string {
  const images = row.images.map((image) => (image.kind === 'path' ? image.path : createHash('sha256').update(image.bytes).digest('hex')));
  return JSON.stringify([row.prompt, images, row.tools]);
}
