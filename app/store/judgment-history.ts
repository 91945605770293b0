import type Database from 'better-sqlite3';
import type { Judgment, JudgmentHistoryEntry } from './types';

/**
 * A `judgment_history` row joined with the item id and the annotator's name, named as the entry
 * names its fields (SQL aliases), so only the two JSON columns need converting.
 */
type HistoryRow = Omit<JudgmentHistoryEntry, 'before' | 'after'> & { itemRowid: number; beforeJson: string | null; afterJson: string | null };

const HISTORY_SELECT = `SELECT h.id, h.judgment_id AS judgmentId, h.item_rowid AS itemRowid, i.id AS itemId, a.name AS annotator,
    h.action, h.before_json AS beforeJson, h.after_json AS afterJson, h.at, h.undone_by AS undoneBy, h.undo_of AS undoOf
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
    return row === undefined ? null : { ...toEntry(row), itemRowid: row.itemRowid };
  }

  /** Newest first; for one item when `itemId` is given. */
  list(itemId: string | null, limit: number): JudgmentHistoryEntry[] {
    return (this.recent.all({ itemId, limit }) as HistoryRow[]).map(toEntry);
  }
}

function toEntry({ beforeJson, afterJson, itemRowid: _rowid, ...entry }: HistoryRow): JudgmentHistoryEntry {
  const judgment = (json: string | null) => (json === null ? null : (JSON.parse(json) as Judgment));
  return { ...entry, before: judgment(beforeJson), after: judgment(afterJson) };
}
