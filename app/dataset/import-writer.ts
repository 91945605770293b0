import type { StoredImage } from '../media/media-store';
import type { ItemWriter } from '../store/item-writer';
import type { JudgmentFields, JudgmentWriter } from '../store/judgment-writer';
import type { ProjectStore } from '../store/project-store';
import type { Ranking, Split, SplitRatios } from '../store/types';
import { RowError, type ParsedRow, type RowJudgment } from './parsed-row';
import { splitFor } from './splits';
import { labelKey, RepeatedRows, storedColumns } from './stored-row';

/** A row whose images are already in media/, or the reason it cannot be imported. */
export type ReadyRow = { line: number; parsed: ParsedRow; images: StoredImage[] } | { line: number; error: string };

export interface ImportCounts {
  rowsRead: number;
  added: number;
  unchanged: number;
  labeled: number;
  relabeled: number;
  imagesAdded: number;
  duplicates: number;
}

export interface ImportWriterOptions {
  annotator: string;
  split: 'auto' | Split;
  splitSeed: string;
  splitRatios: SplitRatios;
  sourceFile: string;
}

/**
 * Commits batches of ready rows, one transaction per batch and a savepoint per row, so a row
 * that fails while being written leaves nothing behind and the rest of the batch still lands.
 */
export class ImportWriter {
  readonly counts: ImportCounts = { rowsRead: 0, added: 0, unchanged: 0, labeled: 0, relabeled: 0, imagesAdded: 0, duplicates: 0 };
  private readonly repeats = new RepeatedRows();
  private seenInBatch: string[] = [];
  /** Images known to be in the `images` table: committed ones, and this batch's (until it commits). */
  private readonly imagesRecorded = new Set<string>();
  private imagesInBatch = new Set<string>();
  private imagesInRow: string[] = [];
  private purgeBeforeInsert: string | null = null;
  private readonly items: ItemWriter;
  private readonly judgments: JudgmentWriter;

  constructor(
    private readonly store: ProjectStore,
    private readonly options: ImportWriterOptions,
  ) {
    this.items = store.itemWriter();
    this.judgments = store.judgmentWriter();
  }

  /**
   * Writes the batch; returns the errors of its rows, in order.
   *
   * Rows are validated before anything is written (`writeRow` throws a RowError only before its
   * first write), so the fast path runs the batch without per-row savepoints, which roughly
   * halves the cost of a row. If a row still fails while being written (a constraint nobody
   * foresaw), the batch is rolled back and redone with a savepoint per row, so only that row is lost.
   */
  commit(rows: ReadyRow[]): { line: number; reason: string }[] {
    const now = new Date().toISOString();
    const countsBefore = { ...this.counts };
    this.seenInBatch = [];
    this.imagesInBatch = new Set();
    try {
      return this.committed(this.writeBatch(rows, now, false));
    } catch (error) {
      this.judgments.resetCache();
      if (rowFailure(error) === null) throw error;
      Object.assign(this.counts, countsBefore);
      for (const id of this.seenInBatch) this.repeats.forget(id);
      this.seenInBatch = [];
      this.imagesInBatch = new Set();
    }
    try {
      return this.committed(this.writeBatch(rows, now, true));
    } catch (error) {
      this.judgments.resetCache();
      throw error;
    }
  }

  private committed(errors: { line: number; reason: string }[]): { line: number; reason: string }[] {
    for (const sha of this.imagesInBatch) this.imagesRecorded.add(sha);
    return errors;
  }

  private writeBatch(rows: ReadyRow[], now: string, savepointPerRow: boolean): { line: number; reason: string }[] {
    const errors: { line: number; reason: string }[] = [];
    this.store.db.transaction(() => {
      // Made outside any row savepoint so a rolled-back row cannot take the annotator with it.
      this.judgments.annotatorId(this.options.annotator, now);
      for (const row of rows) {
        this.counts.rowsRead += 1;
        if ('error' in row) {
          errors.push({ line: row.line, reason: row.error });
          continue;
        }
        const before = { ...this.counts };
        this.imagesInRow = [];
        try {
          if (savepointPerRow) this.store.db.transaction(() => this.writeRow(row, now))();
          else this.writeRow(row, now);
        } catch (error) {
          // A RowError comes before any write; other failures are only survivable inside a savepoint.
          const reason = error instanceof RowError ? error.reason : savepointPerRow ? rowFailure(error) : null;
          if (reason === null) throw error;
          Object.assign(this.counts, before);
          // The savepoint undid this row's image records too.
          for (const sha of this.imagesInRow) this.imagesInBatch.delete(sha);
          errors.push({ line: row.line, reason });
        }
      }
    })();
    return errors;
  }

  private writeRow(row: { line: number; parsed: ParsedRow; images: StoredImage[] }, now: string): void {
    const { parsed } = row;
    const imageShas = row.images.map((image) => image.sha256);
    const { promptJson, toolsJson, metadataJson, margin, contentHash } = storedColumns(parsed, imageShas);
    const rankingKey = labelKey(parsed);
    if (parsed.judgmentLine === true) {
      // One judgment of a per-judgment export: the item's other lines are no repeat of it.
      if (!this.repeats.isKnown(parsed.id)) this.seenInBatch.push(parsed.id);
      this.repeats.sameItem(parsed.id, row.line, contentHash);
    } else if (this.repeats.isRepeat(parsed.id, contentHash, rankingKey)) {
      this.counts.unchanged += 1;
      this.counts.duplicates += 1;
      return;
    }
    let existing = this.items.find(parsed.id);
    if (existing !== null && existing.deleted && existing.contentHash !== contentHash) {
      // A deleted item's id taken by new content: the new row wins (done after the checks below
      // would have thrown, so a RowError still means nothing was written).
      existing = null;
      this.purgeBeforeInsert = parsed.id;
    }
    if (existing !== null && existing.contentHash !== contentHash) {
      throw new RowError(`duplicate id "${parsed.id}" with different content (already in project); give this row a new id, or delete the old item first`);
    }
    for (const image of row.images) {
      // 100k rows often share a handful of images: record each once per import.
      if (this.imagesRecorded.has(image.sha256) || this.imagesInBatch.has(image.sha256)) continue;
      if (this.items.addImage(image, now)) this.counts.imagesAdded += 1;
      this.imagesInBatch.add(image.sha256);
      this.imagesInRow.push(image.sha256);
    }
    let rowid: number;
    if (existing === null) {
      if (this.purgeBeforeInsert === parsed.id) this.items.purge(parsed.id);
      this.purgeBeforeInsert = null;
      rowid = this.items.insert(
        {
          id: parsed.id,
          query: parsed.query,
          promptJson,
          toolsJson,
          metadataJson,
          margin,
          split: this.options.split === 'auto' ? splitFor(parsed.id, this.options.splitSeed, this.options.splitRatios) : this.options.split,
          contentHash,
          sourceFile: this.options.sourceFile,
          imageShas,
          responses: parsed.responses,
        },
        now,
      );
      this.counts.added += 1;
    } else {
      rowid = existing.rowid;
      if (existing.deleted) {
        this.items.restore(rowid);
        this.counts.added += 1;
      } else {
        this.counts.unchanged += 1;
      }
    }
    if (parsed.ranking !== null && existing === null) {
      this.judgments.createForNewItem(rowid, this.options.annotator, importedJudgment(parsed.ranking), now);
      this.counts.labeled += 1;
    } else if (parsed.ranking !== null) {
      this.label(rowid, this.options.annotator, parsed.ranking, now);
    }
    // Named people's labels (Label Studio, Argilla, per-judgment seed lines) are each their own judgment.
    for (const judgment of parsed.judgments ?? []) this.label(rowid, judgment.annotator, judgment.ranking, now, judgment);
    if (parsed.judgmentLine === true) return;
    this.repeats.remember(parsed.id, row.line, contentHash, rankingKey);
    this.seenInBatch.push(parsed.id);
  }

  /**
   * A label of the file becomes (or updates) that annotator's judgment — or the item's
   * adjudication — with what the file says of it (guideline version, decision, time); identical
   * labels change nothing.
   */
  private label(rowid: number, annotator: string, ranking: Ranking, now: string, from: Omit<RowJudgment, 'annotator' | 'ranking'> = {}): void {
    const annotatorId = this.judgments.annotatorId(annotator, now);
    const adjudication = from.adjudication === true;
    const current = adjudication ? this.judgments.findAdjudication(rowid) : this.judgments.find(rowid, annotatorId);
    if (current !== null && current.annotator === annotator && JSON.stringify(current.ranking) === JSON.stringify(ranking)) return;
    this.judgments.save(
      rowid,
      annotator,
      {
        ranking,
        decision: from.decision ?? null,
        strength: null,
        timeMs: null,
        shownOrder: null,
        note: current?.note ?? null,
        flagged: current?.flagged ?? false,
        source: adjudication ? 'adjudication' : 'import',
        guidelineVersion: from.guidelineVersion ?? null,
        ...(from.judgedAt === undefined ? {} : { judgedAt: from.judgedAt }),
      },
      now,
    );
    this.counts.labeled += 1;
    if (current !== null) this.counts.relabeled += 1;
  }
}

function importedJudgment(ranking: Ranking): JudgmentFields {
  return { ranking, decision: null, strength: null, timeMs: null, shownOrder: null, note: null, flagged: false, source: 'import' };
}

/** Row-level failures become report lines; anything else (disk full, I/O) stops the import. */
function rowFailure(error: unknown): string | null {
  if (error instanceof RowError) return error.reason;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')) {
    return `could not be saved (${(error as Error).message}); check the row's id and fields`;
  }
  return null;
}
