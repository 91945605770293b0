/**
 * A parsed row in the form the project keeps it: what the import writes into items and
 * judgments, and what `convert` (convert-dataset.ts) hands to the export writers without a project.
 */
import type { FullItem } from '../store/item-pages';
import type { Ranking } from '../store/types';
import { itemContentHash } from './item-content';
import { RowError, type ParsedRow } from './parsed-row';

/** The item's JSON columns as stored (null when absent) and its content identity. */
export interface StoredColumns {
  promptJson: string | null;
  toolsJson: string | null;
  metadataJson: string | null;
  margin: number | null;
  contentHash: string;
}

export function storedColumns(parsed: ParsedRow, imageShas: string[]): StoredColumns {
  const promptJson = parsed.prompt === null ? null : JSON.stringify(parsed.prompt);
  const toolsJson = parsed.tools === undefined || parsed.tools === null ? null : JSON.stringify(parsed.tools);
  return {
    promptJson,
    toolsJson,
    metadataJson: parsed.metadata === undefined || parsed.metadata === null ? null : JSON.stringify(parsed.metadata),
    margin: parsed.margin ?? null,
    contentHash: itemContentHash(parsed.query, promptJson, imageShas, parsed.responses, toolsJson),
  };
}

/**
 * The item an export reads back after importing `parsed` into an empty project (its images
 * already stored as `images`, `columns` from storedColumns). `rowid` and `split` mean nothing
 * outside a project: 0 and "train".
 */
export function freshItem(parsed: ParsedRow, images: { sha256: string; ext: string }[], columns: StoredColumns, annotator: string): FullItem {
  return {
    rowid: 0,
    id: parsed.id,
    query: parsed.query,
    promptJson: columns.promptJson,
    toolsJson: columns.toolsJson,
    metadataJson: columns.metadataJson,
    margin: columns.margin,
    split: 'train',
    responses: parsed.responses,
    images: images.map((image) => ({ sha256: image.sha256, ext: image.ext })),
    ranking: freshRanking(parsed, annotator),
  };
}

/**
 * The ranking export resolves for a new item imported from `parsed`: the import writes the
 * file's own label as `annotator`'s judgment, then each named person's (a person named again
 * updates their judgment); all carry the same time, so the last judgment created wins
 * (store/judgment-rows.ts RESOLVED_ORDER).
 */
export function freshRanking(parsed: ParsedRow, annotator: string): Ranking | null {
  const byAnnotator = new Map<string, Ranking>();
  if (parsed.ranking !== null) byAnnotator.set(annotator, parsed.ranking);
  for (const judgment of parsed.judgments ?? []) {
    // Map order is insertion order: an update keeps its place, as an updated judgment keeps its id.
    byAnnotator.set(judgment.annotator, judgment.ranking);
  }
  return [...byAnnotator.values()].at(-1) ?? null;
}

/** What a row says about preferences, to tell a repeated row from a contradicting one. */
export function labelKey(parsed: ParsedRow): string | null {
  if (parsed.ranking === null && (parsed.judgments ?? []).length === 0) return null;
  return JSON.stringify(parsed.judgments === undefined ? parsed.ranking : [parsed.ranking, parsed.judgments]);
}

interface FirstSeen {
  line: number;
  contentHash: string;
  ranking: string | null;
}

/**
 * Ids already seen in one file: a later row with the same id is a repeat when it says the same
 * thing (it adds nothing), and a RowError when it contradicts the first.
 */
export class RepeatedRows {
  private readonly seen = new Map<string, FirstSeen>();

  /** True when `id` came earlier with this content and no other label; throws a RowError when it contradicts it. */
  isRepeat(id: string, contentHash: string, rankingKey: string | null): boolean {
    const first = this.seen.get(id);
    if (first === undefined) return false;
    if (first.contentHash !== contentHash) {
      throw new RowError(`duplicate id "${id}" with different content (first seen at line ${first.line}); give this row a new id`);
    }
    if (rankingKey !== null && first.ranking !== null && rankingKey !== first.ranking) {
      throw new RowError(
        `duplicate id "${id}" with a different human_ranking ${rankingKey} (line ${first.line} has ${first.ranking}); keep one of the two rows`,
      );
    }
    return true;
  }

  /**
   * A per-judgment line (ParsedRow.judgmentLine): the same item on several lines, each adding a
   * judgment. Throws a RowError when `id` came earlier with other content; remembers the first line.
   */
  sameItem(id: string, line: number, contentHash: string): void {
    const first = this.seen.get(id);
    if (first === undefined) {
      this.remember(id, line, contentHash, null);
      return;
    }
    if (first.contentHash !== contentHash) {
      throw new RowError(`duplicate id "${id}" with different content (first seen at line ${first.line}); every judgment line of an item repeats the same item`);
    }
  }

  isKnown(id: string): boolean {
    return this.seen.has(id);
  }

  remember(id: string, line: number, contentHash: string, rankingKey: string | null): void {
    this.seen.set(id, { line, contentHash, ranking: rankingKey });
  }

  /** Undoes `remember` for rows whose batch was rolled back. */
  forget(id: string): void {
    this.seen.delete(id);
  }
}
