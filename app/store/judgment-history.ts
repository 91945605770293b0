import type Database from 'better-sqlite3';
import type { Judgment, JudgmentHistoryEntry } from './types';

/** A `judgment_history` row joined with the item id and the annotator's name. */
interface HistoryRow {
  id: number;
  judgment_id: number;
  item_rowid: number;
  item_id: string | null;
  annotator: string;
  action: JudgmentHistoryEntry['action'];
  before_json: string | null;
  after_json: string | null;
  at: string;
  undone_by: number | null;
  undo_of: number | null;
}

const HISTORY_SELECT = `SELECT h.id, h.judgment_id, h.item_rowid, i.id AS item_id, a.name AS annotator, h.action,
    h.before_json, h.after_json, h.at, h.undone_by, h.undo_of
  FROM judgment_history h
  LEFT JOIN items i ON i.rowid = h.item_rowid
  JOIN annotators a ON a.id = h.annotator_id`;

/** Reads the audit trail of judgments (written by JudgmentWriter). */
export class JudgmentHistory {
  private readonly byId: Database.Statement<[number], HistoryRow>;
  private readonly recent: Database.Statement;

  constructor(db: Database.Database) {
    this.byId = db.prepare(`${HISTORY_SELECT} WHERE h.id = ?`);
    this.recent = db.prepare(`${HISTORY_SELECT} WHERE (@itemId IS NULL OR i.id = @itemId) ORDER BY h.id DESC LIMIT @limit`);
  }

  entry(id: number): (JudgmentHistoryEntry & { itemRowid: number }) | null {
    const row = this.byId.get(id);
    return row === undefined ? null : { ...toEntry(row), itemRowid: row.item_rowid };
  }

  /** Newest first; for one item when `itemId` is given. */
  list(itemId: string | null, limit: number): JudgmentHistoryEntry[] {
    return (this.recent.all({ itemId, limit }) as HistoryRow[]).map(toEntry);
  }
}

function toEntry(row: HistoryRow): JudgmentHistoryEntry {
  return {
    id: row.id,
    judgmentId: row.judgment_id,
    itemId: row.item_id,
    annotator: row.annotator,
    action: row.action,
    before: row.before_json === null ? null : (JSON.parse(row.before_json) as Judgment),
    after: row.after_json === null ? null : (JSON.parse(row.after_json) as Judgment),
    at: row.at,
    undoneBy: row.undone_by,
    undoOf: row.undo_of,
  };
}
