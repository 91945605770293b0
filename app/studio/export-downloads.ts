/**
 * Exports a browser may download: `reward-studio serve` writes an export on its own disk, so the
 * person in the browser gets an unguessable id for each export of this session and fetches
 * `GET /download/<id>` (the file, or a .zip with its images/ folder). Ids live in memory only: a
 * restarted server forgets them, and nothing but files the studio itself just exported is served.
 */
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ExportReport } from '../dataset/types';

/** One file of a zip download: its path inside the archive (forward slashes) and on disk. */
export interface ZipEntry {
  name: string;
  file: string;
}

/** What `GET /download/<id>` sends: one file as it is, or several as a zip named `name`. */
export type DownloadContent = { kind: 'file'; file: string; name: string } | { kind: 'zip'; name: string; entries: ZipEntry[] };

/** The latest exports stay downloadable; older ids answer 404 (export again). */
const KEPT = 50;

export class ExportDownloads {
  private readonly exports = new Map<string, { out: string; imagesDir: string | null }>();

  /** Remembers an export written this session; the id goes into `/download/<id>`. */
  register(report: Pick<ExportReport, 'out' | 'imagesDir'>): string {
    const id = randomBytes(18).toString('base64url');
    this.exports.set(id, { out: report.out, imagesDir: report.imagesDir ?? null });
    for (const oldest of this.exports.keys()) {
      if (this.exports.size <= KEPT) break;
      this.exports.delete(oldest);
    }
    return id;
  }

  /** The content behind an id, or null when the id is unknown (or forgotten). */
  async content(id: string): Promise<DownloadContent | null> {
    const found = this.exports.get(id);
    if (found === undefined) return null;
    const name = path.basename(found.out);
    if (found.imagesDir === null) return { kind: 'file', file: found.out, name };
    // The rows say images/<sha256>.<ext>: the folder travels with the file, under the same names.
    const images = await readdir(found.imagesDir, { withFileTypes: true });
    const folder = path.basename(found.imagesDir);
    return {
      kind: 'zip',
      name: `${path.parse(name).name}.zip`,
      entries: [
        { name, file: found.out },
        ...images.filter((entry) => entry.isFile()).map((entry) => ({ name: `${folder}/${entry.name}`, file: path.join(found.imagesDir as string, entry.name) })),
      ],
    };
  }
}
