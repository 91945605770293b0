import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { copyFile, mkdir, rename, unlink } from 'node:fs/promises';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { dirname, join, resolve } from 'node:path';
import { StudioError } from '../errors';
import { mediaRelPath } from '../media/media-store';
import type { FullItem } from '../store/item-pages';
import type { ProjectStore } from '../store/project-store';
import { seedLine, trlLines } from './export-rows';
import type { ExportOptions, ExportReport } from './types';

const PAGE = 1000;
export const EXPORT_IMAGES_DIR = 'images';

/**
 * Writes the project's items (one split or all) as seed or TRL JSONL. The file is written under
 * a temporary name and renamed at the end, so `out` is either the old file or the whole new one.
 */
export async function exportDataset(store: ProjectStore, options: ExportOptions): Promise<ExportReport> {
  validate(options);
  const started = Date.now();
  const out = resolve(options.out);
  const outDir = dirname(out);
  await mkdir(outDir, { recursive: true });
  const temp = join(outDir, `.${randomBytes(6).toString('hex')}.export.tmp`);
  const stream = createWriteStream(temp, { encoding: 'utf8' });
  // Recorded, not thrown from the event: the loop below notices it at the next write or at the end.
  let streamError: Error | null = null;
  stream.on('error', (error) => {
    streamError = error;
  });
  const images = new ImagePlacer(store.dir, outDir, options.images);
  const report: ExportReport = {
    out,
    format: options.format,
    split: options.split,
    rows: 0,
    items: 0,
    imagesCopied: 0,
    skippedUnlabeled: 0,
    skippedTies: 0,
    skippedAllTied: 0,
    durationMs: 0,
  };
  try {
    const pages = store.itemPages();
    let after = 0;
    for (let page = pages.page(after, PAGE, options.split); page.length > 0; page = pages.page(after, PAGE, options.split)) {
      if (options.signal?.aborted) throw new StudioError('cancelled', 'export cancelled', 'Nothing was written; start it again when ready.');
      let chunk = '';
      for (const item of page) chunk += await linesFor(item, options, images, report);
      after = page[page.length - 1]?.rowid ?? after;
      if (streamError !== null) throw streamError;
      await write(stream, chunk);
      options.onProgress?.({ items: report.items, rows: report.rows });
    }
    stream.end();
    await finished(stream);
    await rename(temp, out);
  } catch (error) {
    // Wait for the file to be closed (it may still be opening) before removing it.
    const closed = stream.closed ? Promise.resolve() : once(stream, 'close').then(() => undefined, () => undefined);
    stream.destroy();
    await closed;
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  report.imagesCopied = images.copied;
  report.durationMs = Date.now() - started;
  return report;
}

async function linesFor(item: FullItem, options: ExportOptions, images: ImagePlacer, report: ExportReport): Promise<string> {
  if (item.ranking === null && !(options.format === 'seed' && options.includeUnlabeled === true)) {
    report.skippedUnlabeled += 1;
    return '';
  }
  if (options.format === 'seed') {
    const paths = await images.place(item);
    report.items += 1;
    report.rows += 1;
    return `${JSON.stringify(seedLine(item, paths))}\n`;
  }
  const paths = await images.place(item);
  const { lines, ties } = trlLines(item, paths);
  report.skippedTies += ties;
  if (lines.length === 0) {
    report.skippedAllTied += 1;
    return '';
  }
  report.items += 1;
  report.rows += lines.length;
  return lines.map((line) => `${JSON.stringify(line)}\n`).join('');
}

/** Decides the path each image gets in the file, copying it next to the file when asked. */
class ImagePlacer {
  copied = 0;
  private readonly done = new Set<string>();

  constructor(
    private readonly projectDir: string,
    private readonly outDir: string,
    private readonly mode: 'copy' | 'absolute',
  ) {}

  async place(item: FullItem): Promise<string[]> {
    const paths: string[] = [];
    for (const image of item.images) {
      const source = join(this.projectDir, mediaRelPath(image.sha256, image.ext));
      if (this.mode === 'absolute') {
        paths.push(source);
        continue;
      }
      const name = `${image.sha256}.${image.ext}`;
      if (!this.done.has(name)) {
        const target = join(this.outDir, EXPORT_IMAGES_DIR, name);
        if (!existsSync(target)) {
          await mkdir(dirname(target), { recursive: true });
          await copyFile(source, target);
          this.copied += 1;
        }
        this.done.add(name);
      }
      paths.push(`${EXPORT_IMAGES_DIR}/${name}`);
    }
    return paths;
  }
}

async function write(stream: WriteStream, chunk: string): Promise<void> {
  if (chunk === '') return;
  if (!stream.write(chunk)) await once(stream, 'drain');
}

function validate(options: ExportOptions): void {
  if (options.format !== 'seed' && options.format !== 'trl') {
    throw new StudioError('invalid_input', `unknown export format "${String(options.format)}"`, 'Use seed or trl.');
  }
  if (!['train', 'val', 'test', 'all'].includes(options.split)) {
    throw new StudioError('invalid_input', `unknown split "${String(options.split)}"`, 'Use train, val, test or all.');
  }
  if (options.images !== 'copy' && options.images !== 'absolute') {
    throw new StudioError('invalid_input', `unknown image mode "${String(options.images)}"`, 'Use copy or absolute.');
  }
  if (typeof options.out !== 'string' || options.out.trim() === '') {
    throw new StudioError('invalid_input', 'no output file given', 'Choose where to write the export.');
  }
}
