import type Database from 'better-sqlite3';
import { mediaRelPath } from '../media/media-store';
import { thumbnailRelPath } from '../media/thumbnails';
import { JUDGMENT_COLUMNS, RESOLVED_ORDER, toJudgment, type JudgmentRow } from './judgment-rows';
import { uncertainOrder, type UncertainOrder } from '../evaluation/uncertain-order';
import { itemFilterSql, queueSegments, type FilterSql } from './item-filters';
import type { ImageRef, ItemDetail, ItemList, ItemSummary, ListItemsQuery, PromptMessage, Split } from './types';
import { StatementCache } from './statement-cache';

const MAX_PAGE = 1000;

/** A segment's own join and sort key (SQL over `items i`; import order breaks ties); absent: import order. */
export type SegmentOrdering = Pick<UncertainOrder, 'join' | 'key' | 'orderBy'>;
type Segment = FilterSql & { ordering?: SegmentOrdering };

interface SummaryRow {
  rowid: number;
  id: string;
  query: string;
  split: Split;
  flagged: number;
  response_count: number;
  image_count: number;
  first_sha: string | null;
  first_ext: string | null;
  first_width: number | null;
  first_height: number | null;
  annotators_json: string;
}

/** Read-side queries for the item list and the item page. */
export class ItemReader {
  private readonly statements: StatementCache;

  constructor(private readonly db: Database.Database) {
    this.statements = new StatementCache(db);
  }

  list(query: ListItemsQuery): ItemList {
    const lookup = (name: string): number => this.annotatorId(name);
    const filter = itemFilterSql(query, lookup);
    const limit = Math.max(0, Math.min(query.limit ?? 100, MAX_PAGE));
    const offset = Math.max(0, query.offset ?? 0);
    const total = this.count(filter);
    if (query.order === 'uncertain') {
      // Model in the loop: the scored items by their top gap, then the rest in queue order.
      const uncertain = uncertainOrder(this.db, query.evaluationId);
      if (uncertain !== null) {
        const rest = queueSegments(query.annotator, lookup).map((segment) => ({
          where: `${segment.where} AND ${uncertain.unscored.where}`,
          params: { ...segment.params, ...uncertain.unscored.params },
        }));
        return { total, items: this.walk(filter, [{ ...uncertain.scored, ordering: uncertain }, ...rest], limit, offset) };
      }
    } else if (query.order !== 'queue') {
      return { total, items: this.page(filter, limit, offset) };
    }
    return { total, items: this.walk(filter, queueSegments(query.annotator, lookup), limit, offset) };
  }

  /**
   * `list` inside a caller's scope (a team member's queue): the filters, plus the scope's
   * condition, in the scope's order — the queue's segments (unjudged by them first) each in it.
   */
  listWithin(query: ListItemsQuery, scope: FilterSql & { ordering: SegmentOrdering }): ItemList {
    const lookup = (name: string): number => this.annotatorId(name);
    const base = itemFilterSql(query, lookup);
    const filter = { where: `${base.where} AND ${scope.where}`, params: { ...base.params, ...scope.params } };
    const limit = Math.max(0, Math.min(query.limit ?? 100, MAX_PAGE));
    const offset = Math.max(0, query.offset ?? 0);
    const segments = queueSegments(query.annotator, lookup).map((segment) => ({ ...segment, ordering: scope.ordering }));
    return { total: this.count(filter), items: this.walk(filter, segments, limit, offset) };
  }

  /** Walks ordered segments; a segment is counted only when the offset may lie past it. */
  private walk(filter: FilterSql, segments: Segment[], limit: number, offset: number): ItemSummary[] {
    const items: ItemSummary[] = [];
    let skip = offset;
    for (const [index, segment] of segments.entries()) {
      if (items.length >= limit) break;
      const within = { where: `${filter.where} AND ${segment.where}`, params: { ...filter.params, ...segment.params } };
      if (skip > 0 && index < segments.length - 1) {
        const size = this.count(within);
        if (skip >= size) {
          skip -= size;
          continue;
        }
      }
      items.push(...this.page(within, limit - items.length, skip, segment.ordering));
      skip = 0;
    }
    return items;
  }

  /** A page of items matching raw filter SQL (see item-filters.ts), in import order, with the total. */
  listWhere(filter: FilterSql, limit: number, offset: number): ItemList {
    return { total: this.count(filter), items: this.page(filter, Math.min(limit, MAX_PAGE), offset) };
  }

  /** The annotator's id, or -1 (matches no judgment) for a name that has never judged here. */
  annotatorId(name: string): number {
    const row = this.statements.get('SELECT id FROM annotators WHERE name = ?').get(name) as { id: number } | undefined;
    return row?.id ?? -1;
  }

  private count(filter: FilterSql): number {
    return (this.statements.get(`SELECT COUNT(*) AS n FROM items i WHERE ${filter.where}`).get(filter.params) as { n: number }).n;
  }

  private page(filter: FilterSql, limit: number, offset: number, ordering?: SegmentOrdering): ItemSummary[] {
    if (limit <= 0) return [];
    // Import order unless the segment brings its own (a join and a sort key, e.g. the uncertain order).
    const pick = ordering
      ? `SELECT i.rowid AS rid, ${ordering.key} AS k FROM items i ${ordering.join} WHERE ${filter.where} ORDER BY ${ordering.orderBy}`
      : `SELECT i.rowid AS rid FROM items i WHERE ${filter.where} ORDER BY i.rowid`;
    // The page is picked on rowids alone, so rows skipped by OFFSET never compute their columns;
    // CROSS JOIN keeps that page the outer loop (SQLite otherwise may scan every item to join it).
    // Only header fields of the first image are read; listing never touches image files.
    const rows = this.statements.get(
      `SELECT i.rowid, i.id, i.query, i.split, i.flagged,
         (SELECT COUNT(*) FROM responses r WHERE r.item_rowid = i.rowid) AS response_count,
         (SELECT COUNT(*) FROM item_images x WHERE x.item_rowid = i.rowid) AS image_count,
         im.sha256 AS first_sha, im.ext AS first_ext, im.width AS first_width, im.height AS first_height,
         (SELECT json_group_array(DISTINCT a.name) FROM judgments j JOIN annotators a ON a.id = j.annotator_id
            WHERE j.item_rowid = i.rowid) AS annotators_json
       FROM (${pick} LIMIT @limit OFFSET @offset) p
       CROSS JOIN items i ON i.rowid = p.rid
       LEFT JOIN item_images ii ON ii.item_rowid = i.rowid AND ii.position = 0
       LEFT JOIN images im ON im.sha256 = ii.sha256
       ORDER BY ${ordering ? 'p.k, i.rowid' : 'i.rowid'}`,
    ).all({ ...filter.params, limit, offset }) as SummaryRow[];
    return rows.map(toItemSummary);
  }

  get(id: string): ItemDetail | null {
    const item = this.statements.get(
      `SELECT rowid, id, query, prompt_json, tools_json, metadata_json, margin, split, flagged, note, source_file, created_at
       FROM items WHERE id = ? AND deleted_at IS NULL`,
    ).get(id) as
      | { rowid: number; id: string; query: string; prompt_json: string | null; tools_json: string | null;
          metadata_json: string | null; margin: number | null; split: Split; flagged: number;
          note: string | null; source_file: string | null; created_at: string }
      | undefined;
    if (item === undefined) return null;
    const responses = (
      this.statements.get('SELECT text FROM responses WHERE item_rowid = ? ORDER BY idx').all(item.rowid) as { text: string }[]
    ).map((row) => row.text);
    const images = (
      this.statements.get(
        `SELECT im.sha256, im.ext, im.width, im.height, im.format FROM item_images ii
         JOIN images im ON im.sha256 = ii.sha256 WHERE ii.item_rowid = ? ORDER BY ii.position`,
      ).all(item.rowid) as { sha256: string; ext: string; width: number; height: number; format: string }[]
    ).map(
      (row): ImageRef => ({
        sha256: row.sha256,
        relPath: mediaRelPath(row.sha256, row.ext),
        width: row.width,
        height: row.height,
        format: row.format,
      }),
    );
    const judgmentRows = this.statements.get(
      `SELECT ${JUDGMENT_COLUMNS} FROM judgments j JOIN annotators a ON a.id = j.annotator_id
       WHERE j.item_rowid = ? ORDER BY ${RESOLVED_ORDER}`,
    ).all(item.rowid) as JudgmentRow[];
    const judgments = judgmentRows.map(toJudgment);
    const resolved = judgments[0];
    return {
      id: item.id,
      query: item.query,
      prompt: item.prompt_json === null ? null : (JSON.parse(item.prompt_json) as PromptMessage[]),
      tools: item.tools_json === null ? null : (JSON.parse(item.tools_json) as unknown[]),
      metadata: item.metadata_json === null ? null : (JSON.parse(item.metadata_json) as Record<string, unknown>),
      margin: item.margin,
      split: item.split,
      responses,
      images,
      judgments,
      resolvedRanking: resolved?.ranking ?? null,
      resolvedFrom:
        resolved === undefined ? null : { annotator: resolved.annotator, source: resolved.source, judgmentId: resolved.id },
      flagged: item.flagged === 1,
      note: item.note,
      sourceFile: item.source_file,
      createdAt: item.created_at,
      shownOrder: null,
    };
  }

}

function toItemSummary(row: SummaryRow): ItemSummary {
  const annotators = JSON.parse(row.annotators_json) as string[];
  const hasImage = row.first_sha !== null && row.first_ext !== null;
  return {
    id: row.id,
    query: row.query,
    responseCount: row.response_count,
    split: row.split,
    status: annotators.length > 0 ? 'labeled' : 'unlabeled',
    annotators: annotators.sort(),
    thumb: hasImage ? thumbnailRelPath(row.first_sha as string) : null,
    image: hasImage
      ? {
          relPath: mediaRelPath(row.first_sha as string, row.first_ext as string),
          width: row.first_width ?? 0,
          height: row.first_height ?? 0,
        }
      : null,
    imageCount: row.image_count,
    flagged: row.flagged === 1,
  };
}
