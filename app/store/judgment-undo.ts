import type Database from 'better-sqlite3';
import { JudgmentHistory } from './judgment-history';
import type { JudgmentWriter } from './judgment-writer';
import type { Judgment, JudgmentHistoryEntry } from './types';

const CANDIDATE_PAGE = 50;

interface CandidateRow {
  id: number;
  judgment_id: number;
  item_rowid: number;
  action: JudgmentHistoryEntry['action'];
  before_json: string | null;
  after_json: string | null;
  at: string;
}

/**
 * Multi-level undo over `judgment_history`. Each call takes back the annotator's most recent
 * change that still stands (create → the judgment is removed; update → its previous values
 * return, times included; delete → it comes back under its old id), marks that entry
 * `undone_by` and writes the undo's own audit row (`undo_of`). Undo rows are never undone
 * themselves: there is no redo, the person simply judges again.
 *
 * A change is only taken back when the judgment is still exactly as that change left it. When
 * someone else has changed it since (another person re-adjudicated, an import relabelled, the
 * item was deleted), undoing would erase their work, so that entry is passed over and the next
 * older one is tried.
 */
export class JudgmentUndo {
  private readonly candidates: Database.Statement;
  private readonly itemState: Database.Statement<[number], { deleted_at: string | null; created_at: string }>;
  private readonly markUndone: Database.Statement<[number, number]>;
  private readonly history: JudgmentHistory;

  constructor(
    db: Database.Database,
    private readonly writer: JudgmentWriter,
  ) {
    this.candidates = db.prepare(
      `SELECT id, judgment_id, item_rowid, action, before_json, after_json, at FROM judgment_history
       WHERE annotator_id = @me AND id < @below AND undone_by IS NULL AND undo_of IS NULL
       ORDER BY id DESC LIMIT @limit`,
    );
    this.itemState = db.prepare('SELECT deleted_at, created_at FROM items WHERE rowid = ?');
    this.markUndone = db.prepare('UPDATE judgment_history SET undone_by = ? WHERE id = ?');
    this.history = new JudgmentHistory(db);
  }

  /** Undoes one change by `annotator`; null when nothing of theirs can be undone. Run inside a transaction. */
  undoLast(annotator: string, now: string): (JudgmentHistoryEntry & { itemRowid: number }) | null {
    const me = this.writer.annotatorId(annotator, now);
    let below = Number.MAX_SAFE_INTEGER;
    for (;;) {
      const rows = this.candidates.all({ me, below, limit: CANDIDATE_PAGE }) as CandidateRow[];
      for (const row of rows) {
        const target = this.undoTarget(row);
        if (target === undefined) continue;
        const auditId = this.writer.restore(row.judgment_id, row.item_rowid, target, me, row.id, now);
        this.markUndone.run(auditId, row.id);
        return this.history.entry(row.id);
      }
      if (rows.length < CANDIDATE_PAGE) return null;
      below = (rows[rows.length - 1] as CandidateRow).id;
    }
  }

  /**
   * What the judgment must become to undo `row` (null = removed), or undefined when the
   * judgment is no longer as `row` left it and the entry must be passed over.
   */
  private undoTarget(row: CandidateRow): Judgment | null | undefined {
    const item = this.itemState.get(row.item_rowid);
    // A purged item's rowid can be reused by a newer item: its creation time gives that away.
    if (item === undefined || item.deleted_at !== null || item.created_at > row.at) return undefined;
    const before = row.before_json === null ? null : (JSON.parse(row.before_json) as Judgment);
    const after = row.after_json === null ? null : (JSON.parse(row.after_json) as Judgment);
    const current = this.writer.findById(row.judgment_id);
    if (row.action === 'delete') {
      if (current !== null || before === null) return undefined;
      const occupied =
        before.source === 'adjudication'
          ? this.writer.findAdjudication(row.item_rowid)
          : this.writer.find(row.item_rowid, this.writer.annotatorId(before.annotator, row.at));
      return occupied === null ? before : undefined;
    }
    if (current === null || after === null || current.itemRowid !== row.item_rowid || !sameJudgment(current, after)) {
      return undefined;
    }
    return row.action === 'create' ? null : before ?? undefined;
  }
}

export function sameJudgment(a: Judgment, b: Judgment): boolean {
  return (
    a.id === b.id &&
    a.annotator === b.annotator &&
    JSON.stringify(a.ranking) === JSON.stringify(b.ranking) &&
    a.decision === b.decision &&
    a.strength === b.strength &&
    a.timeMs === b.timeMs &&
    JSON.stringify(a.shownOrder) === JSON.stringify(b.shownOrder) &&
    a.note === b.note &&
    a.flagged === b.flagged &&
    a.source === b.source &&
    a.createdAt === b.createdAt &&
    a.updatedAt === b.updatedAt
  );
}
