import type Database from 'better-sqlite3';
import { JUDGMENT_COLUMNS, RESOLVED_ORDER, toJudgment, type JudgmentRow } from './judgment-rows';
import type { Judgment, Ranking, Split } from './types';

/** Everything a dataset file needs about one item, with its resolved ranking. */
export interface FullItem {
  rowid: number;
  id: string;
  query: string;
  promptJson: string | null;
  toolsJson: string | null;
  metadataJson: string | null;
  margin: number | null;
  split: Split;
  responses: string[];
  images: { sha256: string; ext: string }[];
  ranking: Ranking | null;
}

/**
 * Reads items in rowid order, one page at a time, so export and training snapshots stream a
 * project of any size with bounded memory (better-sqlite3 cannot run other statements while an
 * iterator is open, so paging by rowid is the way to stream joined data).
 */
export class ItemPages {
  private readonly pageAll: Database.Statement;
  private readonly pageSplit: Database.Statement;
  private readonly responses: Database.Statement;
  private readonly images: Database.Statement;
  private readonly judgments: Database.Statement;
  private readonly everyJudgment: Database.Statement;

  constructor(db: Database.Database) {
    const itemColumns = 'SELECT rowid, id, query, prompt_json, tools_json, metadata_json, margin, split FROM items WHERE deleted_at IS NULL AND rowid > @after';
    this.pageAll = db.prepare(`${itemColumns} ORDER BY rowid LIMIT @limit`);
    this.pageSplit = db.prepare(`${itemColumns} AND split = @split ORDER BY rowid LIMIT @limit`);
    this.responses = db.prepare(
      'SELECT item_rowid, text FROM responses WHERE item_rowid BETWEEN ? AND ? ORDER BY item_rowid, idx',
    );
    this.images = db.prepare(
      `SELECT ii.item_rowid, im.sha256, im.ext FROM item_images ii JOIN images im ON im.sha256 = ii.sha256
       WHERE ii.item_rowid BETWEEN ? AND ? ORDER BY ii.item_rowid, ii.position`,
    );
    this.judgments = db.prepare(
      `SELECT j.item_rowid, j.ranking_json FROM judgments j WHERE j.item_rowid BETWEEN ? AND ?
       ORDER BY j.item_rowid, ${RESOLVED_ORDER}`,
    );
    this.everyJudgment = db.prepare(
      `SELECT ${JUDGMENT_COLUMNS} FROM judgments j JOIN annotators a ON a.id = j.annotator_id
       WHERE j.item_rowid BETWEEN ? AND ? ORDER BY j.item_rowid, j.id`,
    );
  }

  /** Items after `afterRowid` (0 to start), at most `limit`; an empty page means the end. */
  page(afterRowid: number, limit: number, split: Split | 'all'): FullItem[] {
    const rows = (
      split === 'all'
        ? this.pageAll.all({ after: afterRowid, limit })
        : this.pageSplit.all({ after: afterRowid, limit, split })
    ) as {
      rowid: number;
      id: string;
      query: string;
      prompt_json: string | null;
      tools_json: string | null;
      metadata_json: string | null;
      margin: number | null;
      split: Split;
    }[];
    const first = rows[0];
    const last = rows[rows.length - 1];
    if (first === undefined || last === undefined) return [];
    const items = new Map<number, FullItem>(
      rows.map((row) => [
        row.rowid,
        {
          rowid: row.rowid,
          id: row.id,
          query: row.query,
          promptJson: row.prompt_json,
          toolsJson: row.tools_json,
          metadataJson: row.metadata_json,
          margin: row.margin,
          split: row.split,
          responses: [],
          images: [],
          ranking: null,
        },
      ]),
    );
    for (const row of this.responses.all(first.rowid, last.rowid) as { item_rowid: number; text: string }[]) {
      items.get(row.item_rowid)?.responses.push(row.text);
    }
    for (const row of this.images.all(first.rowid, last.rowid) as { item_rowid: number; sha256: string; ext: string }[]) {
      items.get(row.item_rowid)?.images.push({ sha256: row.sha256, ext: row.ext });
    }
    for (const row of this.judgments.all(first.rowid, last.rowid) as { item_rowid: number; ranking_json: string }[]) {
      const item = items.get(row.item_rowid);
      // Rows come resolved-first per item, so the first one seen wins.
      if (item !== undefined && item.ranking === null) item.ranking = JSON.parse(row.ranking_json) as Ranking;
    }
    return [...items.values()];
  }

  /**
   * Every judgment of a page's items — each annotator's own and the adjudication — by item
   * rowid, each item's in judgment id order (the per-judgment export). Read for one page at a
   * time, like the page itself, so memory stays bounded.
   */
  judgmentsOf(page: readonly FullItem[]): Map<number, Judgment[]> {
    const byItem = new Map<number, Judgment[]>();
    const first = page[0];
    const last = page[page.length - 1];
    if (first === undefined || last === undefined) return byItem;
    const wanted = new Set(page.map((item) => item.rowid));
    for (const row of this.everyJudgment.all(first.rowid, last.rowid) as JudgmentRow[]) {
      // The rowid range may hold items of other splits: only the page's own are kept.
      if (!wanted.has(row.item_rowid)) continue;
      let list = byItem.get(row.item_rowid);
      if (list === undefined) byItem.set(row.item_rowid, (list = []));
      list.push(toJudgment(row));
    }
    return byItem;
  }
}
