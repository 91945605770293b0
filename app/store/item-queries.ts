/**
 * What other domains read of the store's tables (see table-owners.ts): small queries, and the SQL
 * pieces for the reads that must stay one statement with another domain's table (the compare
 * pages and scatter, storing an evaluation's results), so the items table's columns and its
 * soft-delete rule are spelled here, not in every domain that joins on an item.
 */
import type Database from 'better-sqlite3';

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
