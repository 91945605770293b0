/**
 * What other domains read of the store's tables (see table-owners.ts): small queries, and the SQL
 * pieces for the reads that must stay one statement with another domain's table (the compare
 * pages and scatter, storing an evaluation's results), so the items table's columns and its
 * soft-delete rule are spelled here, not in every domain that joins on an item.
 */
import type Database from 'better-sqlite3';
import { itemFilterSql } from './item-filters';
import type { Split } from './types';

/**
 * `JOIN items <alias>` on the caller's rowid expression. `live`: deleted items are left out;
 * `cross`: a CROSS JOIN (keeps SQLite from reordering the loop, for a page picked beforehand).
 */
export function joinItem(alias: string, rowid: string, options: { live?: boolean; cross?: boolean } = {}): string {
  const live = options.live === true ? ` AND ${alias}.deleted_at IS NULL` : '';
  return `${options.cross === true ? 'CROSS JOIN' : 'JOIN'} items ${alias} ON ${alias}.rowid = ${rowid}${live}`;
}

/** A scalar subquery: how many responses the item with this rowid (the caller's expression) has. */
export function responseCountSql(rowid: string): string {
  return `(SELECT COUNT(*) FROM responses r WHERE r.item_rowid = ${rowid})`;
}

/** The rowid of a live (not deleted) item, or undefined. */
export function liveItemRowid(db: Database.Database, id: string): number | undefined {
  const row = db.prepare('SELECT rowid FROM items WHERE id = ? AND deleted_at IS NULL').get(id) as { rowid: number } | undefined;
  return row?.rowid;
}

/** One image per distinct width × height (the smallest hash of each), the most common sizes first. */
export function imagesOfCommonSizes(db: Database.Database, limit: number): { sha256: string; ext: string; width: number; height: number }[] {
  const rows = db.prepare(
    `SELECT MIN(sha256) AS sha256, width, height, COUNT(*) AS n FROM images GROUP BY width, height
     ORDER BY n DESC, width, height LIMIT ?`,
  ).all(limit) as { sha256: string; width: number; height: number }[];
  const ext = db.prepare('SELECT ext FROM images WHERE sha256 = ?');
  return rows.map((row) => ({ sha256: row.sha256, width: row.width, height: row.height, ext: (ext.get(row.sha256) as { ext: string }).ext }));
}

/**
 * The team domain's view of items (app/team): live items, optionally of one split, as a FROM
 * piece and its WHERE, for the hand-out query, which must stay one statement with its own tables.
 */
export function liveItemsSql(alias: string, split: string | null): { from: string; where: string; params: Record<string, string> } {
  return split === null
    ? { from: `items ${alias}`, where: `${alias}.deleted_at IS NULL`, params: {} }
    : { from: `items ${alias}`, where: `${alias}.deleted_at IS NULL AND ${alias}.split = @live_split`, params: { live_split: split } };
}

/**
 * The items a team plan covers (alias `i`): live, of its split, matching its search and flag —
 * the same filters as the Items view and the queue (item-filters.ts), so "by split or filter"
 * means one thing everywhere.
 */
export function planItemsSql(scope: { split: Split | null; search: string | null; flagged: boolean | null }): { from: string; where: string; params: Record<string, string | number> } {
  const filter = itemFilterSql(
    { split: scope.split ?? undefined, search: scope.search ?? undefined, flagged: scope.flagged ?? undefined, status: 'all', judged: 'any' },
    () => -1,
  );
  return { from: 'items i', where: filter.where, params: filter.params };
}

/** A scalar: the item's votes — its judgments minus an adjudication (a verdict, not a vote). */
export function votesSql(alias: string): string {
  return `(${alias}.judgments_n - EXISTS (SELECT 1 FROM judgments jv WHERE jv.item_rowid = ${alias}.rowid AND jv.source = 'adjudication'))`;
}

/** A condition: the annotator named by the parameter `@${param}` has their own judgment of the item. */
export function judgedBySql(alias: string, param: string): string {
  return `EXISTS (SELECT 1 FROM judgments jb JOIN annotators ab ON ab.id = jb.annotator_id
    WHERE jb.item_rowid = ${alias}.rowid AND ab.name = @${param} AND jb.source <> 'adjudication')`;
}

/** One annotator's own judgment (never an adjudication), as the team's progress figures read it. */
export interface VoteRecord {
  annotator: string;
  itemRowid: number;
  ranking: number[];
  timeMs: number | null;
  updatedAt: string;
}

/** Every vote on live items (adjudications aside), oldest first. */
export function liveVotes(db: Database.Database): VoteRecord[] {
  const rows = db.prepare(
    `SELECT a.name AS annotator, j.item_rowid AS itemRowid, j.ranking_json AS rankingJson, j.time_ms AS timeMs, j.updated_at AS updatedAt
     FROM judgments j JOIN annotators a ON a.id = j.annotator_id ${joinItem('i', 'j.item_rowid', { live: true })}
     WHERE j.source <> 'adjudication' ORDER BY j.id`,
  ).all() as { annotator: string; itemRowid: number; rankingJson: string; timeMs: number | null; updatedAt: string }[];
  return rows.map(({ rankingJson, ...row }) => ({ ...row, ranking: JSON.parse(rankingJson) as number[] }));
}

/** Item ids by rowid (live items only; deleted ones are absent from the map). */
export function liveItemIds(db: Database.Database, rowids: readonly number[]): Map<number, string> {
  const statement = db.prepare('SELECT id FROM items WHERE rowid = ? AND deleted_at IS NULL');
  const ids = new Map<number, string>();
  for (const rowid of rowids) {
    const row = statement.get(rowid) as { id: string } | undefined;
    if (row) ids.set(rowid, row.id);
  }
  return ids;
}
