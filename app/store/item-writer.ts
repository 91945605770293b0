import type Database from 'better-sqlite3';
import type { Split } from './types';

/** An item ready to insert: validated, images already in media/ and in `images`. */
export interface NewItem {
  id: string;
  query: string;
  promptJson: string | null;
  /** Tool definitions the conversation may call (JSON list), or null. */
  toolsJson?: string | null;
  /** Columns of the source row that no reader consumed (JSON object), or null. */
  metadataJson?: string | null;
  /** Per-pair margin for the margin loss (OpenRLHF, TRL), or null. */
  margin?: number | null;
  split: Split;
  contentHash: string;
  sourceFile: string | null;
  imageShas: string[];
  responses: string[];
}

export interface NewImage {
  sha256: string;
  ext: string;
  width: number;
  height: number;
  bytes: number;
  format: string;
}

export interface ExistingItem {
  rowid: number;
  contentHash: string;
  deleted: boolean;
}

/** Prepared statements for writing items in bulk (import). Callers own the transaction. */
export class ItemWriter {
  private readonly selectItem: Database.Statement<[string], { rowid: number; content_hash: string; deleted_at: string | null }>;
  private readonly insertItemRow: Database.Statement;
  private readonly insertResponse: Database.Statement<[number, number, string]>;
  private readonly insertItemImage: Database.Statement<[number, number, string]>;
  private readonly insertImageRow: Database.Statement;
  private readonly restoreItemRow: Database.Statement<[number]>;
  private readonly purgeItemRow: Database.Statement<[string]>;

  constructor(db: Database.Database) {
    this.selectItem = db.prepare('SELECT rowid, content_hash, deleted_at FROM items WHERE id = ?');
    this.insertItemRow = db.prepare(
      `INSERT INTO items (id, query, prompt_json, tools_json, metadata_json, margin, split, content_hash, source_file, created_at)
       VALUES (@id, @query, @promptJson, @toolsJson, @metadataJson, @margin, @split, @contentHash, @sourceFile, @now)`,
    );
    this.insertResponse = db.prepare('INSERT INTO responses (item_rowid, idx, text) VALUES (?, ?, ?)');
    this.insertItemImage = db.prepare('INSERT INTO item_images (item_rowid, position, sha256) VALUES (?, ?, ?)');
    this.insertImageRow = db.prepare(
      `INSERT OR IGNORE INTO images (sha256, ext, width, height, bytes, format, created_at)
       VALUES (@sha256, @ext, @width, @height, @bytes, @format, @now)`,
    );
    this.restoreItemRow = db.prepare('UPDATE items SET deleted_at = NULL WHERE rowid = ?');
    this.purgeItemRow = db.prepare('DELETE FROM items WHERE id = ? AND deleted_at IS NOT NULL');
  }

  find(id: string): ExistingItem | null {
    const row = this.selectItem.get(id);
    if (row === undefined) return null;
    return { rowid: row.rowid, contentHash: row.content_hash, deleted: row.deleted_at !== null };
  }

  /** Records an image; returns true when it was new to the project. */
  addImage(image: NewImage, now: string): boolean {
    return this.insertImageRow.run({ sha256: image.sha256, ext: image.ext, width: image.width, height: image.height, bytes: image.bytes, format: image.format, now }).changes === 1;
  }

  insert(item: NewItem, now: string): number {
    const rowid = Number(
      this.insertItemRow.run({
        id: item.id,
        query: item.query,
        promptJson: item.promptJson,
        toolsJson: item.toolsJson ?? null,
        metadataJson: item.metadataJson ?? null,
        margin: item.margin ?? null,
        split: item.split,
        contentHash: item.contentHash,
        sourceFile: item.sourceFile,
        now,
      }).lastInsertRowid,
    );
    item.responses.forEach((text, idx) => this.insertResponse.run(rowid, idx, text));
    item.imageShas.forEach((sha, position) => this.insertItemImage.run(rowid, position, sha));
    return rowid;
  }

  /** Removes an item for good (its responses, images links and judgments cascade). */
  purge(id: string): void {
    this.purgeItemRow.run(id);
  }

  restore(rowid: number): void {
    this.restoreItemRow.run(rowid);
  }
}
