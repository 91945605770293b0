import { join } from 'node:path';

/** The fixed names inside a project folder (DESIGN.md, "On disk"). */
export const PROJECT_DB_FILE = 'project.sqlite';
export const MEDIA_DIR = 'media';
export const CACHE_DIR = 'cache';
export const THUMBS_DIR = join(CACHE_DIR, 'thumbs');
/** Files a browser sent to `serve` (POST /upload): datasets to import, playground images to score. */
export const UPLOADS_DIR = join(CACHE_DIR, 'uploads');
export const RUNS_DIR = 'runs';
/** app/evaluation/evaluation-data.ts and app/scoring/model-resolver.ts name these folders too. */
export const EVALUATIONS_DIR = 'evaluations';
export const EXPORTS_DIR = 'exports';

/** SQLite's companions of the database while it is open (write-ahead log, shared memory, rollback journal). */
const DB_COMPANION_SUFFIXES = ['-wal', '-shm', '-journal'];

/**
 * What the studio owns inside a project folder: nothing else may write there (a dataset export over
 * project.sqlite once replaced every judgment with JSON Lines). Top-level names, files and folders.
 */
export const PROJECT_INTERNAL_NAMES: readonly string[] = [
  PROJECT_DB_FILE,
  ...DB_COMPANION_SUFFIXES.map((suffix) => `${PROJECT_DB_FILE}${suffix}`),
  MEDIA_DIR,
  CACHE_DIR,
  RUNS_DIR,
  EVALUATIONS_DIR,
  EXPORTS_DIR,
];

export function projectDbPath(dir: string): string {
  return join(dir, PROJECT_DB_FILE);
}
