/**
 * Where a dataset export may write. An export renames its finished file over `out`, so a careless
 * path used to replace anything: `<project>/project.sqlite` (every judgment gone) or the very file
 * the project was imported from. Two rules (FORMATS.md, "Export"):
 *  - never inside the project's internals (database and its SQLite companions, media/, cache/,
 *    runs/, evaluations/, exports/), whatever the person confirms: the studio owns them;
 *  - an existing file only when the person confirmed replacing it (`overwrite`).
 * A relative `out` is taken from the project folder: a server's working directory means nothing to
 * the person in the browser.
 */
import { lstat, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../errors';
import { PROJECT_INTERNAL_NAMES } from '../store/project-layout';

/** `out` as an absolute path; a relative one is inside the project folder. */
export function resolveExportPath(projectDir: string, out: string): string {
  return path.resolve(projectDir, out);
}

/** Refuses an export target inside the project's internals, a folder, or (without `overwrite`) an existing file. */
export async function checkExportTarget(projectDir: string, out: string, overwrite: boolean): Promise<void> {
  const internal = await internalPart(projectDir, out);
  if (internal !== null) {
    throw new StudioError(
      'forbidden',
      `${out} is inside the project's own files (${internal}); exporting there would destroy the project`,
      'Choose a file outside the project, or a new name in the project folder itself (e.g. prefs.jsonl).',
    );
  }
  const existing = await lstat(out).catch(() => null);
  if (existing === null) return;
  if (existing.isDirectory()) {
    throw new StudioError('invalid_input', `${out} is a folder, not a file`, 'Give the path of the file to write, e.g. a name ending in .jsonl inside that folder.');
  }
  if (!overwrite) throw fileExists(out);
}

/** The refusal the UI answers with "Replace it?" and the CLI with --force. */
export function fileExists(out: string): StudioError {
  return new StudioError('file_exists', `${out} exists`, 'Confirm replacing it (overwrite), or choose another file name.');
}

/**
 * The internal name (`project.sqlite`, `media`, …) that `out` lands in, or null. Compared on real
 * paths, so a symlink to the database or a project opened through a symlinked folder is caught too.
 */
async function internalPart(projectDir: string, out: string): Promise<string | null> {
  const project = await realLocation(projectDir);
  const target = await realLocation(out);
  const relative = path.relative(project, target);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return null;
  const first = relative.split(path.sep)[0] ?? '';
  return PROJECT_INTERNAL_NAMES.includes(first) ? first : null;
}

/** Where `file` really is: symlinks followed, including a dangling one, and a not-yet-made tail kept as written. */
async function realLocation(file: string, depth: number = 0): Promise<string> {
  const absolute = path.resolve(file);
  const real = await realpath(absolute).catch(() => null);
  if (real !== null) return real;
  // A dangling symlink still says where a write through it would go.
  const link = await lstat(absolute).catch(() => null);
  if (link?.isSymbolicLink() === true && depth < MAX_LINK_HOPS) {
    return realLocation(path.resolve(path.dirname(absolute), await readlink(absolute)), depth + 1);
  }
  const parent = path.dirname(absolute);
  if (parent === absolute) return absolute;
  return path.join(await realLocation(parent, depth), path.basename(absolute));
}

/** Enough for any sane chain of links; a loop stops here instead of recursing forever. */
const MAX_LINK_HOPS = 40;
