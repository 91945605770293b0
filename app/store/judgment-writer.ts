import type Database from 'better-sqlite3';
import { JUDGMENT_COLUMNS, toJudgment, type JudgmentRow } from './judgment-rows';
import type { Judgment, JudgmentSource, Ranking } from './types';

export interface JudgmentFields {
  ranking: Ranking;
  decision: string | null;
  strength: string | null;
  timeMs: number | null;
  shownOrder: number[] | null;
  note: string | null;
  flagged: boolean;
  source: JudgmentSource;
}

/**
 * Writes judgments and their audit trail. Every create, update and delete adds a
 * `judgment_history` row with the judgment before and after, so undo and audit need nothing else.
 * Callers run it inside their own transaction.
 */
export class JudgmentWriter {
  private readonly annotatorIds = new Map<string, number>();
  private readonly selectAnnotator: Database.Statement<[string], { id: number }>;
  private readonly insertAnnotator: Database.Statement<[string, string]>;
  private readonly selectJudgment: Database.Statement<[number, number], JudgmentRow>;
  private readonly insertJudgment: Database.Statement;
  private readonly updateJudgment: Database.Statement;
  private readonly deleteJudgmentRow: Database.Statement<[number]>;
  private readonly insertHistory: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.selectAnnotator = db.prepare('SELECT id FROM annotators WHERE name = ?');
    this.insertAnnotator = db.prepare('INSERT INTO annotators (name, created_at) VALUES (?, ?)');
    this.selectJudgment = db.prepare(
      `SELECT ${JUDGMENT_COLUMNS} FROM judgments j JOIN annotators a ON a.id = j.annotator_id
       WHERE j.item_rowid = ? AND j.annotator_id = ?`,
    );
    this.insertJudgment = db.prepare(
      `INSERT INTO judgments (item_rowid, annotator_id, ranking_json, decision, strength, time_ms, shown_order_json,
         note, flagged, source, created_at, updated_at)
       VALUES (@item_rowid, @annotator_id, @ranking_json, @decision, @strength, @time_ms, @shown_order_json,
         @note, @flagged, @source, @now, @now)`,
    );
    this.updateJudgment = db.prepare(
      `UPDATE judgments SET ranking_json = @ranking_json, decision = @decision, strength = @strength,
         time_ms = @time_ms, shown_order_json = @shown_order_json, note = @note, flagged = @flagged,
         source = @source, updated_at = @now
       WHERE id = @id`,
    );
    this.deleteJudgmentRow = db.prepare('DELETE FROM judgments WHERE id = ?');
    this.insertHistory = db.prepare(
      `INSERT INTO judgment_history (judgment_id, item_rowid, annotator_id, action, before_json, after_json, at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  annotatorId(name: string, now: string): number {
    const cached = this.annotatorIds.get(name);
    if (cached !== undefined) return cached;
    const existing = this.selectAnnotator.get(name);
    const id = existing?.id ?? Number(this.insertAnnotator.run(name, now).lastInsertRowid);
    this.annotatorIds.set(name, id);
    return id;
  }

  /** Forgets cached annotator ids (after a rollback could have removed a fresh one). */
  resetCache(): void {
    this.annotatorIds.clear();
  }

  find(itemRowid: number, annotatorId: number): Judgment | null {
    const row = this.selectJudgment.get(itemRowid, annotatorId);
    return row === undefined ? null : toJudgment(row);
  }

  /** Creates or replaces this annotator's judgment of the item. */
  save(itemRowid: number, annotator: string, fields: JudgmentFields, now: string): Judgment {
    const annotatorId = this.annotatorId(annotator, now);
    const before = this.selectJudgment.get(itemRowid, annotatorId);
    const params = this.params(itemRowid, annotatorId, fields, now);
    if (before === undefined) {
      this.insertJudgment.run(params);
    } else {
      this.updateJudgment.run({ ...params, id: before.id });
    }
    const after = this.selectJudgment.get(itemRowid, annotatorId);
    if (after === undefined) throw new Error('judgment vanished right after it was written');
    const beforeJudgment = before === undefined ? null : toJudgment(before);
    const afterJudgment = toJudgment(after);
    this.insertHistory.run(
      after.id,
      itemRowid,
      annotatorId,
      before === undefined ? 'create' : 'update',
      beforeJudgment === null ? null : JSON.stringify(beforeJudgment),
      JSON.stringify(afterJudgment),
      now,
    );
    return afterJudgment;
  }

  /**
   * The first judgment of an item that was just inserted: no lookup of a previous one (there
   * cannot be one), which makes bulk imports noticeably faster. History is written as usual.
   */
  createForNewItem(itemRowid: number, annotator: string, fields: JudgmentFields, now: string): void {
    const annotatorId = this.annotatorId(annotator, now);
    const id = Number(this.insertJudgment.run(this.params(itemRowid, annotatorId, fields, now)).lastInsertRowid);
    const after: Judgment = {
      id,
      annotator,
      ranking: fields.ranking,
      decision: fields.decision,
      strength: fields.strength,
      timeMs: fields.timeMs,
      shownOrder: fields.shownOrder,
      note: fields.note,
      flagged: fields.flagged,
      source: fields.source,
      createdAt: now,
      updatedAt: now,
    };
    this.insertHistory.run(id, itemRowid, annotatorId, 'create', null, JSON.stringify(after), now);
  }

  private params(itemRowid: number, annotatorId: number, fields: JudgmentFields, now: string): Record<string, unknown> {
    return {
      item_rowid: itemRowid,
      annotator_id: annotatorId,
      ranking_json: JSON.stringify(fields.ranking),
      decision: fields.decision,
      strength: fields.strength,
      time_ms: fields.timeMs,
      shown_order_json: fields.shownOrder === null ? null : JSON.stringify(fields.shownOrder),
      note: fields.note,
      flagged: fields.flagged ? 1 : 0,
      source: fields.source,
      now,
    };
  }

  /** Removes this annotator's judgment; returns false when there was none. */
  remove(itemRowid: number, annotator: string, now: string): boolean {
    const annotatorId = this.annotatorId(annotator, now);
    const before = this.selectJudgment.get(itemRowid, annotatorId);
    if (before === undefined) return false;
    this.deleteJudgmentRow.run(before.id);
    this.insertHistory.run(before.id, itemRowid, annotatorId, 'delete', JSON.stringify(toJudgment(before)), null, now);
    return true;
  }
}
