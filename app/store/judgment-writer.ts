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
  /** The team guidelines version in force (app/team); absent or null outside a team. */
  guidelineVersion?: number | null;
  /**
   * When the judgment was made, when that is earlier than its recording (a per-judgment seed
   * line's `judged_at`): its created/updated time. The history still records when it was written.
   */
  judgedAt?: string;
}

/**
 * Writes judgments and their audit trail. Every create, update and delete adds a
 * `judgment_history` row with the judgment before and after, so undo and audit need nothing else.
 * Callers run it inside their own transaction.
 *
 * An item holds one judgment per annotator (sources 'import' and 'ui') plus at most one
 * adjudication (whoever adjudicates last owns it), so adjudicating never erases the
 * adjudicator's own vote.
 */
export class JudgmentWriter {
  private readonly annotatorIds = new Map<string, number>();
  private readonly selectAnnotator: Database.Statement<[string], { id: number }>;
  private readonly insertAnnotator: Database.Statement<[string, string]>;
  private readonly selectOwn: Database.Statement<[number, number], JudgmentRow>;
  private readonly selectAdjudication: Database.Statement<[number], JudgmentRow>;
  private readonly selectById: Database.Statement<[number], JudgmentRow>;
  private readonly insertJudgment: Database.Statement;
  private readonly insertWithId: Database.Statement;
  private readonly updateJudgment: Database.Statement;
  private readonly deleteJudgmentRow: Database.Statement<[number]>;
  private readonly insertHistory: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.selectAnnotator = db.prepare('SELECT id FROM annotators WHERE name = ?');
    this.insertAnnotator = db.prepare('INSERT INTO annotators (name, created_at) VALUES (?, ?)');
    const select = `SELECT ${JUDGMENT_COLUMNS} FROM judgments j JOIN annotators a ON a.id = j.annotator_id`;
    this.selectOwn = db.prepare(`${select} WHERE j.item_rowid = ? AND j.annotator_id = ? AND j.source <> 'adjudication'`);
    this.selectAdjudication = db.prepare(`${select} WHERE j.item_rowid = ? AND j.source = 'adjudication'`);
    this.selectById = db.prepare(`${select} WHERE j.id = ?`);
    const columns = `item_rowid, annotator_id, ranking_json, decision, strength, time_ms, shown_order_json,
         note, flagged, source, created_at, updated_at, guideline_version`;
    const values = `@item_rowid, @annotator_id, @ranking_json, @decision, @strength, @time_ms, @shown_order_json,
         @note, @flagged, @source, @created_at, @updated_at, @guideline_version`;
    this.insertJudgment = db.prepare(`INSERT INTO judgments (${columns}) VALUES (${values})`);
    this.insertWithId = db.prepare(`INSERT INTO judgments (id, ${columns}) VALUES (@id, ${values})`);
    this.updateJudgment = db.prepare(
      `UPDATE judgments SET annotator_id = @annotator_id, ranking_json = @ranking_json, decision = @decision,
         strength = @strength, time_ms = @time_ms, shown_order_json = @shown_order_json, note = @note,
         flagged = @flagged, source = @source, created_at = @created_at, updated_at = @updated_at,
         guideline_version = @guideline_version
       WHERE id = @id`,
    );
    this.deleteJudgmentRow = db.prepare('DELETE FROM judgments WHERE id = ?');
    this.insertHistory = db.prepare(
      `INSERT INTO judgment_history (judgment_id, item_rowid, annotator_id, action, before_json, after_json, at, undo_of)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
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

  /** This annotator's own judgment of the item (never the adjudication). */
  find(itemRowid: number, annotatorId: number): Judgment | null {
    const row = this.selectOwn.get(itemRowid, annotatorId);
    return row === undefined ? null : toJudgment(row);
  }

  findAdjudication(itemRowid: number): Judgment | null {
    const row = this.selectAdjudication.get(itemRowid);
    return row === undefined ? null : toJudgment(row);
  }

  findById(id: number): (Judgment & { itemRowid: number }) | null {
    const row = this.selectById.get(id);
    return row === undefined ? null : { ...toJudgment(row), itemRowid: row.item_rowid };
  }

  /**
   * Creates or replaces the annotator's judgment of the item — or, with source 'adjudication',
   * the item's adjudication (then recorded under this annotator).
   */
  save(itemRowid: number, annotator: string, fields: JudgmentFields, now: string): Judgment {
    const annotatorId = this.annotatorId(annotator, now);
    const before =
      fields.source === 'adjudication' ? this.selectAdjudication.get(itemRowid) : this.selectOwn.get(itemRowid, annotatorId);
    const judgedAt = fields.judgedAt ?? now;
    let id: number;
    if (before === undefined) {
      id = Number(this.insertJudgment.run(this.params(itemRowid, annotatorId, fields, judgedAt, judgedAt)).lastInsertRowid);
    } else {
      id = before.id;
      this.updateJudgment.run({ ...this.params(itemRowid, annotatorId, fields, before.created_at, judgedAt), id });
    }
    const after = this.selectById.get(id);
    if (after === undefined) throw new Error('judgment vanished right after it was written');
    const beforeJudgment = before === undefined ? null : toJudgment(before);
    const afterJudgment = toJudgment(after);
    this.insertHistory.run(
      id,
      itemRowid,
      annotatorId,
      before === undefined ? 'create' : 'update',
      beforeJudgment === null ? null : JSON.stringify(beforeJudgment),
      JSON.stringify(afterJudgment),
      now,
      null,
    );
    return afterJudgment;
  }

  /**
   * The first judgment of an item that was just inserted: no lookup of a previous one (there
   * cannot be one), which makes bulk imports noticeably faster. History is written as usual.
   */
  createForNewItem(itemRowid: number, annotator: string, fields: JudgmentFields, now: string): void {
    const annotatorId = this.annotatorId(annotator, now);
    const id = Number(this.insertJudgment.run(this.params(itemRowid, annotatorId, fields, now, now)).lastInsertRowid);
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
      guidelineVersion: fields.guidelineVersion ?? null,
    };
    this.insertHistory.run(id, itemRowid, annotatorId, 'create', null, JSON.stringify(after), now, null);
  }

  private params(
    itemRowid: number,
    annotatorId: number,
    fields: JudgmentFields,
    createdAt: string,
    updatedAt: string,
  ): Record<string, unknown> {
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
      created_at: createdAt,
      updated_at: updatedAt,
      guideline_version: fields.guidelineVersion ?? null,
    };
  }

  /** Removes this annotator's own judgment; returns false when there was none. */
  remove(itemRowid: number, annotator: string, now: string): boolean {
    const annotatorId = this.annotatorId(annotator, now);
    const before = this.selectOwn.get(itemRowid, annotatorId);
    if (before === undefined) return false;
    this.deleteJudgmentRow.run(before.id);
    this.insertHistory.run(before.id, itemRowid, annotatorId, 'delete', JSON.stringify(toJudgment(before)), null, now, null);
    return true;
  }

  /**
   * Puts a judgment back exactly as `target` recorded it (same id, times and owner), or removes
   * it when `target` is null — the write behind undo. Adds the undo's own audit row (by
   * `actorId`, pointing at `undoOf`) and returns its id.
   */
  restore(
    judgmentId: number,
    itemRowid: number,
    target: Judgment | null,
    actorId: number,
    undoOf: number,
    now: string,
  ): number {
    const current = this.selectById.get(judgmentId);
    const before = current === undefined ? null : toJudgment(current);
    if (target === null) {
      if (current !== undefined) this.deleteJudgmentRow.run(judgmentId);
    } else {
      const params = {
        ...this.params(itemRowid, this.annotatorId(target.annotator, now), target, target.createdAt, target.updatedAt),
        id: judgmentId,
      };
      if (current === undefined) this.insertWithId.run(params);
      else this.updateJudgment.run(params);
    }
    const after = target === null ? null : this.findById(judgmentId);
    const action = before === null ? 'create' : target === null ? 'delete' : 'update';
    const afterJudgment: Judgment | null = after === null ? null : withoutRowid(after);
    return Number(
      this.insertHistory.run(
        judgmentId,
        itemRowid,
        actorId,
        action,
        before === null ? null : JSON.stringify(before),
        afterJudgment === null ? null : JSON.stringify(afterJudgment),
        now,
        undoOf,
      ).lastInsertRowid,
    );
  }
}

function withoutRowid(judgment: Judgment & { itemRowid: number }): Judgment {
  const { itemRowid: _itemRowid, ...rest } = judgment;
  return rest;
}
