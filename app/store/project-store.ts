import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { StudioError } from '../errors';
import { DEFAULT_SPLIT_RATIOS, DEFAULT_SPLIT_SEED, normalizeRatios, splitFor } from '../dataset/splits';
import { ensureThumbnail } from '../media/thumbnails';
import { agreementReport } from '../annotation/agreement';
import { displayOrder } from '../annotation/display-order';
import type { AgreementReport, ConflictList } from '../annotation/types';
import { AgreementSource } from './agreement-source';
import { AppliedActions } from './applied-actions';
import { ADJUDICATED, CONFLICTING, itemFilterSql } from './item-filters';
import { ItemPages } from './item-pages';
import { ItemReader } from './item-reader';
import { ItemWriter } from './item-writer';
import { JudgmentHistory } from './judgment-history';
import { JudgmentUndo } from './judgment-undo';
import { JudgmentWriter } from './judgment-writer';
import { openDatabase } from './open-database';
import { MEDIA_DIR, PROJECT_DB_FILE, RUNS_DIR, THUMBS_DIR, projectDbPath } from './project-layout';
import { readMeta, writeMeta } from './project-meta';
import { rankingProblem } from './ranking-rules';
import { liveItemIds } from './item-queries';
import type {
  ItemDetail,
  ItemList,
  Judgment,
  JudgmentHistoryEntry,
  ListItemsQuery,
  ProjectSummary,
  SaveJudgmentInput,
  Split,
  SplitRatios,
} from './types';
import { SPLITS } from './types';

export interface CreateProjectOptions {
  name: string;
  splitRatios?: SplitRatios;
  splitSeed?: string;
}

/**
 * One open project folder. Writes to the store's own tables (items, judgments, … — see
 * table-owners.ts) go through here (or through the writers it hands to app/dataset), and each
 * public method is one transaction.
 *
 * `db` is the project's connection, handed to the records modules of the domains that own the
 * other tables (training/run-records.ts, evaluation/evaluation-records.ts, dataset/import-records.ts,
 * …) and used for `transaction(...)` around their calls. SQL is written only in the owning domain's
 * records modules (tests/architecture/sql-ownership.test.ts), never beside a `store.db` elsewhere.
 */
export class ProjectStore {
  private readonly reader: ItemReader;
  private readonly judgments: JudgmentWriter;
  private readonly history: JudgmentHistory;
  private readonly undo: JudgmentUndo;
  private readonly agreementSource: AgreementSource;
  private readonly appliedActions: AppliedActions;
  private writer: ItemWriter | null = null;
  private pages: ItemPages | null = null;

  private constructor(
    readonly dir: string,
    readonly db: Database.Database,
  ) {
    this.reader = new ItemReader(db);
    this.judgments = new JudgmentWriter(db);
    this.history = new JudgmentHistory(db);
    this.undo = new JudgmentUndo(db, this.judgments);
    this.agreementSource = new AgreementSource(db);
    this.appliedActions = new AppliedActions(db);
  }

  /** Makes a new project in `dir`, which must be missing or empty. */
  static create(dir: string, options: CreateProjectOptions): ProjectStore {
    const root = resolve(dir);
    if (existsSync(projectDbPath(root))) {
      throw new StudioError('already_exists', `${root} already holds a Reward Studio project`, 'Open it instead, or choose another folder.');
    }
    if (existsSync(root)) {
      if (!statSync(root).isDirectory()) {
        throw new StudioError('already_exists', `${root} is a file, not a folder`, 'Choose a new or empty folder for the project.');
      }
      if (readdirSync(root).length > 0) {
        throw new StudioError('already_exists', `${root} is not empty`, 'Choose a new or empty folder; a project keeps its own files there.');
      }
    }
    const name = options.name.trim();
    if (name === '') throw new StudioError('invalid_input', 'the project name is empty', 'Give the project a name.');
    for (const sub of [MEDIA_DIR, THUMBS_DIR, RUNS_DIR]) mkdirSync(join(root, sub), { recursive: true });
    const ratios = normalizeRatios(options.splitRatios ?? DEFAULT_SPLIT_RATIOS);
    const store = new ProjectStore(root, openDatabaseFor(root, true));
    writeMeta(store.db, {
      name,
      createdAt: new Date().toISOString(),
      splitRatios: ratios,
      splitSeed: options.splitSeed ?? DEFAULT_SPLIT_SEED,
    });
    return store;
  }

  /** Opens an existing project (migrating it to the current schema). */
  static open(dir: string): ProjectStore {
    const root = resolve(dir);
    if (!ProjectStore.isProject(root)) {
      throw new StudioError(
        'not_a_project',
        `${root} is not a Reward Studio project (no ${PROJECT_DB_FILE} in it)`,
        'Choose the project folder itself, or create a new project.',
      );
    }
    for (const sub of [MEDIA_DIR, THUMBS_DIR, RUNS_DIR]) mkdirSync(join(root, sub), { recursive: true });
    return new ProjectStore(root, openDatabaseFor(root, false));
  }

  static isProject(dir: string): boolean {
    return existsSync(projectDbPath(resolve(dir)));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  get name(): string {
    return readMeta(this.db).name;
  }

  rename(name: string): void {
    const trimmed = name.trim();
    if (trimmed === '') throw new StudioError('invalid_input', 'the project name is empty', 'Give the project a name.');
    writeMeta(this.db, { name: trimmed });
  }

  splitSettings(): { ratios: SplitRatios; seed: string } {
    const meta = readMeta(this.db);
    return { ratios: meta.splitRatios, seed: meta.splitSeed };
  }

  /** The absolute path of a project-relative file, refusing anything outside the project folder. */
  absolutePath(relPath: string): string {
    const full = resolve(this.dir, relPath);
    const rel = relative(this.dir, full);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
      throw new StudioError('forbidden', `${relPath} is outside the project folder`, 'Only files inside the project can be read.');
    }
    return full;
  }

  summary(): ProjectSummary {
    const meta = readMeta(this.db);
    const bySplit = { train: { items: 0, labeled: 0 }, val: { items: 0, labeled: 0 }, test: { items: 0, labeled: 0 } };
    const splitRows = this.db
      .prepare(
        `SELECT split, COUNT(*) AS items,
           SUM(i.judgments_n > 0) AS labeled
         FROM items i WHERE deleted_at IS NULL GROUP BY split`,
      )
      .all() as { split: Split; items: number; labeled: number }[];
    for (const row of splitRows) bySplit[row.split] = { items: row.items, labeled: row.labeled };
    const byAnnotator = this.db
      .prepare(
        `SELECT a.name, COUNT(*) AS judged FROM judgments j
         JOIN annotators a ON a.id = j.annotator_id
         JOIN items i ON i.rowid = j.item_rowid AND i.deleted_at IS NULL
         WHERE j.source <> 'adjudication'
         GROUP BY a.id ORDER BY judged DESC, a.name`,
      )
      .all() as { name: string; judged: number }[];
    const media = this.db.prepare('SELECT COALESCE(SUM(bytes), 0) AS bytes, COUNT(*) AS n FROM images').get() as {
      bytes: number;
      n: number;
    };
    return {
      dir: this.dir,
      name: meta.name,
      createdAt: meta.createdAt,
      itemCount: SPLITS.reduce((sum, split) => sum + bySplit[split].items, 0),
      labeledCount: SPLITS.reduce((sum, split) => sum + bySplit[split].labeled, 0),
      bySplit,
      byAnnotator,
      splitRatios: meta.splitRatios,
      splitSeed: meta.splitSeed,
      mediaBytes: media.bytes,
      imageCount: media.n,
    };
  }

  listItems(query: ListItemsQuery = {}): ItemList {
    return this.reader.list(query);
  }

  /** `listItems` narrowed to a scope another domain spells (a team member's queue, app/team). */
  listItemsWithin(query: ListItemsQuery, scope: Parameters<ItemReader['listWithin']>[1]): ItemList {
    return this.reader.listWithin(query, scope);
  }

  /** The full item; with `annotator`, `shownOrder` is that person's stable shuffled order of the responses. */
  getItem(id: string, annotator?: string): ItemDetail {
    const item = this.reader.get(id);
    if (item === null) throw itemNotFound(id);
    const me = annotator?.trim();
    return me ? { ...item, shownOrder: displayOrder(item.id, me, item.responses.length) } : item;
  }

  /**
   * Runs `apply` unless the client action `actionId` was applied before (a replay after a dropped
   * connection), recording the id in the same transaction as the change: a crash keeps both or
   * neither. A failing `apply` records nothing, so the action stays new. Without an id (scripts,
   * the CLI) it simply applies. Returns whether `apply` ran.
   */
  applyOnce(actionId: string | undefined, command: string, apply: () => void): boolean {
    if (actionId === undefined) {
      apply();
      return true;
    }
    return this.db.transaction((): boolean => {
      if (this.appliedActions.has(actionId)) return false;
      apply();
      this.appliedActions.record(actionId, command, new Date().toISOString());
      return true;
    })();
  }

  /** Creates or replaces `annotator`'s judgment of an item, with a history row. */
  saveJudgment(input: SaveJudgmentInput): Judgment {
    const annotator = input.annotator.trim();
    if (annotator === '') throw new StudioError('invalid_input', 'the annotator name is empty', 'Set your annotator name first.');
    return this.db.transaction(() => {
      const item = this.liveItem(input.itemId);
      const problem = rankingProblem(input.ranking, item.responseCount);
      if (problem !== null) {
        throw new StudioError('invalid_input', `item "${input.itemId}": ${problem}`, 'Rank every response once, 0 = best.');
      }
      const shownOrder = input.shownOrder ?? null;
      if (shownOrder !== null && !isPermutation(shownOrder, item.responseCount)) {
        throw new StudioError('invalid_input', `item "${input.itemId}": shownOrder ${JSON.stringify(shownOrder)} is not an order of its ${item.responseCount} responses`, 'Send the indexes of the responses in the order they were shown.');
      }
      const decision = input.decision ?? null;
      // "Both bad" expresses no preference between the responses: stored as a full tie so every
      // consumer (export, training, agreement) reads it as one, with the decision kept for reports.
      const ranking = decision === 'both_bad' ? input.ranking.map(() => 0) : input.ranking;
      if (decision === 'tie' && new Set(ranking).size !== 1) {
        throw new StudioError('invalid_input', `item "${input.itemId}": decision "tie" with ranking ${JSON.stringify(ranking)}, which prefers one response`, 'Send equal ranks for a tie (e.g. [0, 0]), or the decision "ranked".');
      }
      const timeMs = input.timeMs ?? null;
      if (timeMs !== null && (!Number.isInteger(timeMs) || timeMs < 0)) {
        throw new StudioError('invalid_input', `item "${input.itemId}": timeMs ${timeMs} is not a whole number of milliseconds`, 'Send the time taken in ms, or leave it out.');
      }
      return this.judgments.save(
        item.rowid,
        annotator,
        {
          ranking,
          decision,
          strength: input.strength ?? null,
          timeMs,
          shownOrder,
          note: input.note ?? null,
          flagged: input.flagged ?? false,
          source: input.source ?? 'ui',
          guidelineVersion: input.guidelineVersion ?? null,
        },
        new Date().toISOString(),
      );
    })();
  }

  /** Removes `annotator`'s judgment of an item (recorded in the history); false if there was none. */
  deleteJudgment(itemId: string, annotator: string): boolean {
    return this.db.transaction(() => {
      const item = this.liveItem(itemId);
      return this.judgments.remove(item.rowid, annotator.trim(), new Date().toISOString());
    })();
  }

  /** The audit trail, newest first; for one item when `itemId` is given. */
  judgmentHistory(itemId?: string, limit: number = 200): JudgmentHistoryEntry[] {
    return this.history.list(itemId ?? null, limit);
  }

  /**
   * Takes back `annotator`'s most recent change that still stands (see judgment-undo.ts);
   * null when there is nothing left to undo.
   */
  undoJudgment(annotator: string): { entry: JudgmentHistoryEntry; itemId: string } | null {
    const name = annotator.trim();
    if (name === '' || this.reader.annotatorId(name) === -1) return null;
    return this.db.transaction(() => {
      const undone = this.undo.undoLast(name, new Date().toISOString());
      if (undone === null || undone.itemId === null) return null;
      const { itemRowid: _rowid, ...entry } = undone;
      return { entry, itemId: undone.itemId };
    })();
  }

  /** Agreement between annotators on items several of them judged (see app/annotation/agreement.ts). */
  agreement(split?: Split): AgreementReport {
    return agreementReport(this.agreementSource.ratedItems(split));
  }

  /** Items whose annotators' rankings differ, in import order, with every judgment and the adjudication. */
  conflicts(options: { split?: Split; includeAdjudicated?: boolean; offset?: number; limit?: number }): ConflictList {
    const base = itemFilterSql({ split: options.split }, (name) => this.reader.annotatorId(name));
    const where = `${base.where} AND ${CONFLICTING}${options.includeAdjudicated ? '' : ` AND NOT ${ADJUDICATED}`}`;
    const page = this.reader.listWhere({ where, params: base.params }, options.limit ?? 50, options.offset ?? 0);
    return {
      total: page.total,
      items: page.items.map((summary) => {
        const detail = this.getItem(summary.id);
        return {
          item: summary,
          responses: detail.responses,
          judgments: detail.judgments.filter((j) => j.source !== 'adjudication'),
          adjudication: detail.judgments.find((j) => j.source === 'adjudication') ?? null,
        };
      }),
    };
  }

  /**
   * Rowids of live items whose annotators disagree and that no reviewer adjudicated: their resolved
   * ranking is only the latest annotator's, so export asks whether to write or skip them.
   */
  /** Ids of live items by rowid (for domains that keep rowids, e.g. the team's gold items). */
  itemIdsByRowid(rowids: readonly number[]): Map<number, string> {
    return liveItemIds(this.db, rowids);
  }

  unresolvedConflictRowids(split?: Split): Set<number> {
    const base = itemFilterSql({ split }, (name) => this.reader.annotatorId(name));
    const rows = this.db.prepare(`SELECT i.rowid FROM items i WHERE ${base.where} AND ${CONFLICTING} AND NOT ${ADJUDICATED}`).all(base.params) as { rowid: number }[];
    return new Set(rows.map((row) => row.rowid));
  }

  /** Sets or clears the item-level flag on many items; all ids must exist. Returns how many changed. */
  setItemsFlag(ids: string[], flagged: boolean): number {
    return this.db.transaction(() => {
      const rowids = this.liveRowids(ids);
      const update = this.db.prepare('UPDATE items SET flagged = ? WHERE rowid = ? AND flagged <> ?');
      const value = flagged ? 1 : 0;
      return rowids.reduce((changed, rowid) => changed + update.run(value, rowid, value).changes, 0);
    })();
  }

  /** Replaces an item's note (null or blank clears it). */
  setItemNote(itemId: string, note: string | null): void {
    const text = note === null || note.trim() === '' ? null : note;
    this.db.transaction(() => {
      const item = this.liveItem(itemId);
      this.db.prepare('UPDATE items SET note = ? WHERE rowid = ?').run(text, item.rowid);
    })();
  }

  /** Marks an item as needing attention (independent of any judgment); `note` undefined keeps the old note. */
  setItemFlag(itemId: string, flagged: boolean, note?: string | null): void {
    this.db.transaction(() => {
      const item = this.liveItem(itemId);
      this.db
        .prepare('UPDATE items SET flagged = @flagged, note = CASE WHEN @keep = 1 THEN note ELSE @note END WHERE rowid = @rowid')
        .run({ flagged: flagged ? 1 : 0, keep: note === undefined ? 1 : 0, note: note ?? null, rowid: item.rowid });
    })();
  }

  /** Moves items to a split by hand; all ids must exist. Returns how many changed. */
  setSplit(ids: string[], split: Split): number {
    if (!SPLITS.includes(split)) {
      throw new StudioError('invalid_input', `"${String(split)}" is not a split`, 'Use train, val or test.');
    }
    return this.db.transaction(() => {
      const rowids = this.liveRowids(ids);
      const update = this.db.prepare('UPDATE items SET split = ? WHERE rowid = ? AND split <> ?');
      return rowids.reduce((changed, rowid) => changed + update.run(split, rowid, split).changes, 0);
    })();
  }

  /**
   * Recomputes every item's split from its id with new ratios (and seed). Only on request:
   * it undoes any split set by hand.
   */
  resplit(ratios: SplitRatios, seed?: string): Record<Split, number> {
    const normalized = normalizeRatios(ratios);
    return this.db.transaction(() => {
      const splitSeed = seed ?? readMeta(this.db).splitSeed;
      writeMeta(this.db, { splitRatios: normalized, splitSeed });
      const counts: Record<Split, number> = { train: 0, val: 0, test: 0 };
      const rows = this.db.prepare('SELECT rowid, id, deleted_at FROM items').all() as {
        rowid: number;
        id: string;
        deleted_at: string | null;
      }[];
      const update = this.db.prepare('UPDATE items SET split = ? WHERE rowid = ?');
      for (const row of rows) {
        const split = splitFor(row.id, splitSeed, normalized);
        update.run(split, row.rowid);
        if (row.deleted_at === null) counts[split] += 1;
      }
      return counts;
    })();
  }

  /**
   * Removes items from the project. They are soft-deleted (kept with `deleted_at`, with their
   * judgments) so a mistaken delete can be undone; importing the same item again restores it.
   */
  deleteItems(ids: string[]): number {
    return this.db.transaction(() => {
      const rowids = this.liveRowids(ids);
      const now = new Date().toISOString();
      const update = this.db.prepare('UPDATE items SET deleted_at = ? WHERE rowid = ?');
      for (const rowid of rowids) update.run(now, rowid);
      return rowids.length;
    })();
  }

  /** Brings soft-deleted items back. */
  restoreItems(ids: string[]): number {
    const update = this.db.prepare('UPDATE items SET deleted_at = NULL WHERE id = ? AND deleted_at IS NOT NULL');
    return this.db.transaction(() => ids.reduce((n, id) => n + update.run(id).changes, 0))();
  }

  /**
   * Makes (if missing) the 256px WebP thumbnail of an image of this project and returns its
   * project-relative path; for the media server when a `thumb` path from listItems is not on disk yet.
   */
  async ensureThumbnail(sha256: string): Promise<string> {
    const row = this.db.prepare('SELECT ext FROM images WHERE sha256 = ?').get(sha256) as { ext: string } | undefined;
    if (row === undefined) throw new StudioError('not_found', `no image ${sha256} in this project`, 'Refresh the item list.');
    return ensureThumbnail(this.dir, sha256, row.ext);
  }

  /** Bulk writers for app/dataset; they share this connection and its transactions. */
  itemWriter(): ItemWriter {
    this.writer ??= new ItemWriter(this.db);
    return this.writer;
  }

  judgmentWriter(): JudgmentWriter {
    return this.judgments;
  }

  itemPages(): ItemPages {
    this.pages ??= new ItemPages(this.db);
    return this.pages;
  }

  private liveItem(id: string): { rowid: number; responseCount: number } {
    const row = this.db
      .prepare(
        `SELECT rowid, (SELECT COUNT(*) FROM responses r WHERE r.item_rowid = items.rowid) AS n
         FROM items WHERE id = ? AND deleted_at IS NULL`,
      )
      .get(id) as { rowid: number; n: number } | undefined;
    if (row === undefined) throw itemNotFound(id);
    return { rowid: row.rowid, responseCount: row.n };
  }

  private liveRowids(ids: string[]): number[] {
    const select = this.db.prepare('SELECT rowid FROM items WHERE id = ? AND deleted_at IS NULL');
    const rowids: number[] = [];
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const row = select.get(id) as { rowid: number } | undefined;
      if (row === undefined) missing.push(id);
      else rowids.push(row.rowid);
    }
    if (missing.length > 0) {
      const shown = missing.slice(0, 5).map((id) => `"${id}"`).join(', ');
      throw new StudioError(
        'not_found',
        `no item with id ${shown}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''} in this project`,
        'Refresh the item list; nothing was changed.',
      );
    }
    return rowids;
  }
}

function openDatabaseFor(root: string, create: boolean): Database.Database {
  return openDatabase(projectDbPath(root), { create });
}

function itemNotFound(id: string): StudioError {
  return new StudioError('not_found', `no item with id "${id}" in this project`, 'It may have been deleted; refresh the item list.');
}

function isPermutation(order: number[], n: number): boolean {
  if (!Array.isArray(order) || order.length !== n) return false;
  const seen = new Set(order);
  return seen.size === n && order.every((i) => Number.isInteger(i) && i >= 0 && i < n);
}

