import { join } from 'node:path';

/** The fixed names inside a project folder (DESIGN.md, "On disk"). */
export const PROJECT_DB_FILE = 'project.sqlite';
export const MEDIA_DIR = 'media';
export const THUMBS_DIR = join('cache', 'thumbs');
export const RUNS_DIR = 'runs';

export function projectDbPath(dir: string): string {
  return join(dir, PROJECT_DB_FILE);
}
