import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { copyFile, mkdir, rename, unlink } from 'node:fs/promises';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { dirname, join } from 'node:path';
import { StudioError } from '../errors';
import { checkExportTarget, fileExists, resolveExportPath } from './export-target';
import { mediaRelPath } from '../media/media-store';
import type { FullItem } from '../store/item-pages';
import type { ProjectStore } from '../store/project-store';
import type { Judgment } from '../store/types';
import type { ExportOmission, ExportOptions, ExportReport } from './types';
import { EXPORT_FORMATS, EXPORT_JUDGMENTS_CHOICES } from './types';
import type { DroppedField, FormatWriter } from './writers/format-writer';
import { datasetInfoFile, llamaFactoryWriter, readDatasetInfo, writeDatasetInfo } from './writers/llamafactory';
import { msSwiftWriter } from './writers/ms-swift';
import { ParquetLayoutScan, ParquetSink, parquetWriter, type ParquetLayout, type ParquetRow } from './writers/parquet';
import { seedJudgmentRows, seedWriter } from './writers/seed';
import { trlWriter } from './writers/trl';

const PAGE = 1000;
export const EXPORT_IMAGES_DIR = 'images';
/** Item ids kept per omission in the report. */
const OMISSION_EXAMPLES = 5;

/**
 * Writes the project's items (one split or all) in one of the export formats (FORMATS.md,
 * "Export"). The file is written under a temporary name and renamed at the end, so `out` is
 * either the old file or the whole new one. A relative `out` is inside the project folder; the
 * project's internals are refused, and an existing file unless `overwrite` (export-target.ts).
 * What the format could not carry is counted in the report, by reason. With `judgments: 'each'`
 * (seed only) every judgment of an item is a line of its own, with its annotator and provenance.
 */
export async function exportDataset(store: ProjectStore, options: ExportOptions): Promise<ExportReport> {
  validate(options);
  const started = Date.now();
  const out = resolveExportPath(store.dir, options.out);
  const overwrite = options.overwrite === true;
  // Before anything is written, so a refused export leaves no folder or image behind.
  await checkExportTarget(store.dir, out, overwrite);
  const outDir = dirname(out);
  await mkdir(outDir, { recursive: true });
  // A registry we could not merge into is refused before anything is written.
  if (options.format === 'llamafactory') await readDatasetInfo(datasetInfoFile(out));
  const each = options.judgments === 'each';
  const report: ExportReport = {
    out,
    format: options.format,
    split: options.split,
    judgments: each ? 'each' : 'resolved',
    rows: 0,
    items: 0,
    imagesCopied: 0,
    imagesEmbedded: 0,
    skippedUnlabeled: 0,
    skippedTies: 0,
    skippedAllTied: 0,
    skippedUnsupported: 0,
    // A per-judgment export writes every judgment of a conflicting item: the choice does not apply.
    conflicts: { items: 0, examples: [], choice: each ? 'each' : (options.conflicts ?? 'include') },
    omissions: [],
    durationMs: 0,
  };
  // Parquet fixes its columns before the first row: a first pass decides them.
  const layout = options.format === 'parquet' ? await scanParquetLayout(store, options) : null;
  const writer = writerFor(options.format, layout);
  const container = writer.container(out);
  const temp = join(outDir, `.${randomBytes(6).toString('hex')}.export.tmp`);
  // Parquet embeds the media files' bytes, so it reads them where they are.
  const images = new ImagePlacer(store.dir, outDir, container === 'parquet' ? 'absolute' : options.images);
  const sink = container === 'parquet' ? new ParquetRowSink(temp, layout as ParquetLayout) : new JsonRowSink(temp, container === 'json');
  const omissions = new OmissionTally();
  const columns = { system: false, tools: false, images: false };
  const conflicted = store.unresolvedConflictRowids(options.split === 'all' ? undefined : options.split);
  try {
    const pages = store.itemPages();
    let after = 0;
    for (let page = pages.page(after, PAGE, options.split); page.length > 0; page = pages.page(after, PAGE, options.split)) {
      if (options.signal?.aborted) throw new StudioError('cancelled', 'export cancelled', 'Nothing was written; start it again when ready.');
      // Read with the page, before anything awaits, so the judgments match the page's rankings.
      const judgmentsByItem = each ? pages.judgmentsOf(page) : null;
      const rows: Record<string, unknown>[] = [];
      for (const item of page) {
        const judgments = judgmentsByItem === null ? null : (judgmentsByItem.get(item.rowid) ?? []);
        const itemRows = conflictLeftOut(item, conflicted, report) ? [] : await rowsOf(item, judgments, writer, options, images, report, omissions);
        for (const row of itemRows) {
          for (const key of ['system', 'tools', 'images'] as const) if (row[key] !== undefined) columns[key] = true;
        }
        rows.push(...itemRows);
      }
      after = page[page.length - 1]?.rowid ?? after;
      await sink.write(rows);
      options.onProgress?.({ items: report.items, rows: report.rows });
    }
    await sink.finish();
    // A file may have appeared while the rows were written: still not replaced unconfirmed.
    if (!overwrite && existsSync(out)) throw fileExists(out);
    await rename(temp, out);
  } catch (error) {
    await sink.abort();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  if (options.format === 'llamafactory') report.datasetInfo = await writeDatasetInfo(out, columns);
  report.imagesCopied = images.copied;
  if (images.referenced > 0) report.imagesDir = join(outDir, EXPORT_IMAGES_DIR);
  report.imagesEmbedded = sink.imagesEmbedded;
  report.omissions = omissions.list();
  report.durationMs = Date.now() - started;
  return report;
}

function writerFor(format: ExportOptions['format'], layout: ParquetLayout | null): FormatWriter {
  switch (format) {
    case 'seed':
      return seedWriter;
    case 'trl':
      return trlWriter;
    case 'llamafactory':
      return llamaFactoryWriter;
    case 'ms-swift':
      return msSwiftWriter;
    case 'parquet':
      return parquetWriter(layout);
  }
}

/**
 * Counts an unresolved conflict in the report (a few ids kept to look at) and says whether the
 * person chose to leave such items out.
 */
function conflictLeftOut(item: FullItem, conflicted: ReadonlySet<number>, report: ExportReport): boolean {
  if (!conflicted.has(item.rowid)) return false;
  report.conflicts.items += 1;
  if (report.conflicts.examples.length < OMISSION_EXAMPLES) report.conflicts.examples.push(item.id);
  return report.conflicts.choice === 'skip';
}

/**
 * One item through its format: the rows to write, with skips and dropped fields counted in the
 * report. `judgments` (per-judgment seed export): every judgment of the item, one line each; an
 * unlabeled item has none and is written as its plain seed line (when unlabeled items are wanted).
 */
async function rowsOf(
  item: FullItem,
  judgments: readonly Judgment[] | null,
  writer: FormatWriter,
  options: ExportOptions,
  images: ImagePlacer,
  report: ExportReport,
  omissions: OmissionTally,
): Promise<Record<string, unknown>[]> {
  if (item.ranking === null && !(writer.writesUnlabeled && options.includeUnlabeled === true)) {
    report.skippedUnlabeled += 1;
    return [];
  }
  // Decided on the paths the images will have, before any is copied: a left-out item copies none.
  const paths = images.paths(item);
  const result = judgments !== null && judgments.length > 0 ? seedJudgmentRows(item, paths, judgments) : writer.rows(item, paths);
  if ('unsupported' in result) {
    report.skippedUnsupported += 1;
    omissions.add({ what: 'item', reason: result.unsupported }, item.id);
    return [];
  }
  report.skippedTies += result.ties;
  if (result.rows.length === 0) {
    report.skippedAllTied += 1;
    return [];
  }
  await images.place(item);
  for (const dropped of result.dropped) omissions.add(dropped, item.id);
  report.items += 1;
  report.rows += result.rows.length;
  return result.rows;
}

async function scanParquetLayout(store: ProjectStore, options: ExportOptions): Promise<ParquetLayout> {
  const scan = new ParquetLayoutScan();
  const writer = parquetWriter(null);
  const pages = store.itemPages();
  let after = 0;
  for (let page = pages.page(after, PAGE, options.split); page.length > 0; page = pages.page(after, PAGE, options.split)) {
    if (options.signal?.aborted) throw new StudioError('cancelled', 'export cancelled', 'Nothing was written; start it again when ready.');
    for (const item of page) {
      if (item.ranking === null) continue;
      const result = writer.rows(item, item.images.map((image) => mediaRelPath(image.sha256, image.ext)));
      if (!('unsupported' in result)) scan.add(result.rows as unknown as ParquetRow[]);
    }
    after = page[page.length - 1]?.rowid ?? after;
  }
  return scan.layout();
}

/** What was left out of the rows, counted by field and reason, with a few item ids each. */
export class OmissionTally {
  private readonly byKey = new Map<string, ExportOmission>();

  add(dropped: DroppedField, itemId: string): void {
    const key = `${dropped.what}\u0000${dropped.reason}`;
    let entry = this.byKey.get(key);
    if (entry === undefined) {
      entry = { what: dropped.what, reason: dropped.reason, items: 0, examples: [] };
      this.byKey.set(key, entry);
    }
    entry.items += 1;
    if (entry.examples.length < OMISSION_EXAMPLES) entry.examples.push(itemId);
  }

  /** Most items first. */
  list(): ExportOmission[] {
    return [...this.byKey.values()].sort((a, b) => b.items - a.items);
  }
}

export interface RowSink {
  imagesEmbedded: number;
  write(rows: Record<string, unknown>[]): Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
}

/** JSON Lines, or one JSON array written an entry at a time (LLaMA-Factory's `.json`). */
export class JsonRowSink implements RowSink {
  imagesEmbedded = 0;
  private readonly stream: WriteStream;
  // Recorded, not thrown from the event: the next write or the end notices it.
  private error: Error | null = null;
  private first = true;

  constructor(
    file: string,
    private readonly array: boolean,
  ) {
    this.stream = createWriteStream(file, { encoding: 'utf8' });
    this.stream.on('error', (error) => {
      this.error = error;
    });
  }

  async write(rows: Record<string, unknown>[]): Promise<void> {
    if (this.error !== null) throw this.error;
    let chunk = '';
    for (const row of rows) {
      if (!this.array) chunk += `${JSON.stringify(row)}\n`;
      else {
        chunk += `${this.first ? '[\n' : ',\n'}${JSON.stringify(row)}`;
        this.first = false;
      }
    }
    if (chunk !== '' && !this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async finish(): Promise<void> {
    if (this.array) this.stream.write(this.first ? '[]\n' : '\n]\n');
    this.stream.end();
    await finished(this.stream);
    if (this.error !== null) throw this.error;
  }

  async abort(): Promise<void> {
    // Wait for the file to be closed (it may still be opening) before it is removed.
    const closed = this.stream.closed ? Promise.resolve() : once(this.stream, 'close').then(() => undefined, () => undefined);
    this.stream.destroy();
    await closed;
  }
}

class ParquetRowSink implements RowSink {
  private sink: ParquetSink | null = null;

  constructor(
    private readonly file: string,
    private readonly layout: ParquetLayout,
  ) {}

  get imagesEmbedded(): number {
    return this.sink?.imagesEmbedded ?? 0;
  }

  async write(rows: Record<string, unknown>[]): Promise<void> {
    // Opened on first use, so a cancelled export leaves no file behind to close.
    this.sink ??= new ParquetSink(this.file, this.layout);
    await this.sink.write(rows as unknown as ParquetRow[]);
  }

  async finish(): Promise<void> {
    this.sink ??= new ParquetSink(this.file, this.layout);
    await this.sink.finish();
  }

  async abort(): Promise<void> {
    // The Parquet writer writes synchronously: nothing is left open.
  }
}

/** Decides the path each image gets in the file, copying it next to the file when asked. */
class ImagePlacer {
  copied = 0;
  private readonly done = new Set<string>();

  /** Images the written rows point to in images/ (copied now or already there). */
  get referenced(): number {
    return this.done.size;
  }

  constructor(
    private readonly projectDir: string,
    private readonly outDir: string,
    private readonly mode: 'copy' | 'absolute',
  ) {}

  paths(item: FullItem): string[] {
    return item.images.map((image) =>
      this.mode === 'absolute' ? join(this.projectDir, mediaRelPath(image.sha256, image.ext)) : `${EXPORT_IMAGES_DIR}/${image.sha256}.${image.ext}`,
    );
  }

  /** Copies the item's images next to the file (once each) in copy mode. */
  async place(item: FullItem): Promise<void> {
    if (this.mode === 'absolute') return;
    for (const image of item.images) {
      const name = `${image.sha256}.${image.ext}`;
      if (this.done.has(name)) continue;
      const target = join(this.outDir, EXPORT_IMAGES_DIR, name);
      if (!existsSync(target)) {
        await mkdir(dirname(target), { recursive: true });
        await copyFile(join(this.projectDir, mediaRelPath(image.sha256, image.ext)), target);
        this.copied += 1;
      }
      this.done.add(name);
    }
  }
}

function validate(options: ExportOptions): void {
  if (!(EXPORT_FORMATS as readonly string[]).includes(options.format)) {
    throw new StudioError('invalid_input', `unknown export format "${String(options.format)}"`, `Use one of ${EXPORT_FORMATS.join(', ')}.`);
  }
  if (!['train', 'val', 'test', 'all'].includes(options.split)) {
    throw new StudioError('invalid_input', `unknown split "${String(options.split)}"`, 'Use train, val, test or all.');
  }
  if (options.images !== 'copy' && options.images !== 'absolute') {
    throw new StudioError('invalid_input', `unknown image mode "${String(options.images)}"`, 'Use copy or absolute.');
  }
  if (options.judgments !== undefined && !(EXPORT_JUDGMENTS_CHOICES as readonly string[]).includes(options.judgments)) {
    throw new StudioError('invalid_input', `unknown judgments choice "${String(options.judgments)}"`, 'Use resolved or each.');
  }
  if (options.judgments === 'each' && options.format !== 'seed') {
    throw new StudioError(
      'invalid_input',
      `one row per judgment works with the seed format only, not ${options.format}: its pair rows have no place for an annotator`,
      'Choose the seed format to write each judgment with its annotator and guideline version, or export the resolved rankings.',
    );
  }
  if (typeof options.out !== 'string' || options.out.trim() === '') {
    throw new StudioError('invalid_input', 'no output file given', 'Choose where to write the export.');
  }
}
