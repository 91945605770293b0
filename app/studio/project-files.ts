/**
 * Which files of the open project a UI may load, for both hosts (the HTTP server's /files/ and
 * Electron's rs-media:// scheme): only media/ and cache/, never project.sqlite or runs/, never
 * outside the folder. A thumbnail missing from the cache (deleted to save space, or a project
 * copied without cache/) is made again on the spot instead of showing a broken image.
 */
import path from 'node:path';
import { resolveInside } from '../server/confined-path';
import { isPassiveImage } from '../server/content-types';
import type { ProjectStore } from '../store/project-store';

const SERVED_FOLDERS = new Set(['media', 'cache']);
const THUMBNAIL = /^cache\/thumbs\/[0-9a-f]{2}\/([0-9a-f]{64})-\d+\.webp$/;

/**
 * Confined to the real path of the served folder itself, not of the project: a symlink in media/
 * pointing at ../project.sqlite resolves inside the project, but outside media/, and is refused.
 */
function resolveServed(projectDir: string, top: string, relPath: string): Promise<string | null> {
  return resolveInside(path.join(projectDir, top), relPath.slice(top.length + 1));
}

export type ProjectFileLookup = { ok: true; file: string } | { ok: false; status: 403 | 404; message: string };

export async function lookUpProjectFile(store: ProjectStore | null, relPath: string): Promise<ProjectFileLookup> {
  if (!store) return { ok: false, status: 404, message: 'No project is open.' };
  const top = relPath.split('/')[0] ?? '';
  if (!SERVED_FOLDERS.has(top)) return { ok: false, status: 403, message: 'Only media/ and cache/ of the open project are served.' };
  const found = await resolveServed(store.dir, top, relPath);
  if (found) return { ok: true, file: found };

  const thumbnail = THUMBNAIL.exec(relPath);
  if (thumbnail) {
    try {
      const made = await store.ensureThumbnail(thumbnail[1] as string);
      const file = made === relPath ? await resolveServed(store.dir, top, made) : null;
      if (file) return { ok: true, file };
    } catch {
      // Falls through to 404: the image itself is gone; the item view says so.
    }
  }
  return { ok: false, status: 404, message: 'Not found in the open project.' };
}

/**
 * Project files are the person's data, not the studio's page: a browser must never run them as
 * part of the studio's origin (an uploaded .html or .svg could otherwise drive the studio with the
 * token cookie, or, in Electron, with the preload's bridge). Both hosts send these headers.
 * `sandbox` gives any document a unique opaque origin; only pictures the UI shows in <img> are
 * inline, everything else is a download.
 */
export function projectFileHeaders(file: string): Record<string, string> {
  return {
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    ...(isPassiveImage(file) ? {} : { 'Content-Disposition': 'attachment' }),
  };
}
