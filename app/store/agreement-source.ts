import type Database from 'better-sqlite3';
import type { RatedItem } from '../annotation/agreement';
import type { Split } from './types';

/**
 * Feeds app/annotation/agreement.ts: every live item with two or more own judgments
 * (adjudications aside), with each annotator's ranking. `judgments_n >= 2` skips the single-judged
 * majority of a project without touching the judgments table.
 */
export class AgreementSource {
  private readonly ratings: Database.Statement;
  private readonly adjudicated: Database.Statement;

  constructor(db: Database.Database) {
    this.ratings = db.prepare(
      `SELECT i.rowid AS item_rowid, i.id AS item_id, a.name AS annotator, j.ranking_json
       FROM items i
       JOIN judgments j ON j.item_rowid = i.rowid AND j.source <> 'adjudication'
       JOIN annotators a ON a.id = j.annotator_id
       WHERE i.deleted_at IS NULL AND i.judgments_n >= 2 AND (@split IS NULL OR i.split = @split)
       ORDER BY i.rowid, a.name`,
    );
    this.adjudicated = db.prepare(
      `SELECT j.item_rowid FROM judgments j JOIN items i ON i.rowid = j.item_rowid
       WHERE j.source = 'adjudication' AND i.deleted_at IS NULL AND (@split IS NULL OR i.split = @split)`,
    );
  }

  ratedItems(split?: Split): RatedItem[] {
    const params = { split: split ?? null };
    const adjudicated = new Set((this.adjudicated.all(params) as { item_rowid: number }[]).map((row) => row.item_rowid));
    const rows = this.ratings.all(params) as { item_rowid: number; item_id: string; annotator: string; ranking_json: string }[];
    const items: RatedItem[] = [];
    let current: RatedItem | null = null;
    let currentRowid = -1;
    for (const row of rows) {
      if (current === null || row.item_rowid !== currentRowid) {
        current = { itemId: row.item_id, ratings: [], adjudicated: adjudicated.has(row.item_rowid) };
        currentRowid = row.item_rowid;
        items.push(current);
      }
      current.ratings.push({ annotator: row.annotator, ranking: JSON.parse(row.ranking_json) as number[] });
    }
    return items.filter((item) => item.ratings.length >= 2);
  }
}
