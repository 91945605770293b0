import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { projectDbPath } from './project-layout';
import type { RecentProject } from './types';

export const MAX_RECENT_PROJECTS = 12;

/** The per-user settings folder: $REWARD_STUDIO_HOME, else $XDG_CONFIG_HOME/reward-studio, else ~/.config/reward-studio. */
export function settingsDir(): string {
  const explicit = process.env.REWARD_STUDIO_HOME;
  if (explicit) return resolve(explicit);
  const xdg = process.env.XDG_CONFIG_HOME;
  return join(xdg ? resolve(xdg) : join(homedir(), '.config'), 'reward-studio');
}

function recentFile(): string {
  return join(settingsDir(), 'recent-projects.json');
}

/** Most recent first; projects whose folder (or database) is gone are dropped. */
export function readRecentProjects(): RecentProject[] {
  const entries = readEntries().filter((entry) => existsSync(projectDbPath(entry.dir)));
  return entries.slice(0, MAX_RECENT_PROJECTS);
}

/** Moves (or adds) a project to the top of the list. */
export function addRecentProject(dir: string, name: string): RecentProject[] {
  const absolute = resolve(dir);
  const entry: RecentProject = { dir: absolute, name, openedAt: new Date().toISOString() };
  const entries = [entry, ...readRecentProjects().filter((other) => other.dir !== absolute)].slice(0, MAX_RECENT_PROJECTS);
  writeEntries(entries);
  return entries;
}

export function removeRecentProject(dir: string): RecentProject[] {
  const absolute = resolve(dir);
  const entries = readRecentProjects().filter((other) => other.dir !== absolute);
  writeEntries(entries);
  return entries;
}

function readEntries(): RecentProject[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(recentFile(), 'utf8'));
  } catch {
    // Missing or damaged: the list is a convenience, never a reason to fail.
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(
    (entry): entry is RecentProject =>
      typeof entry === 'object' &&
      entry !== null &&
      typeof (entry as RecentProject).dir === 'string' &&
      typeof (entry as RecentProject).name === 'string' &&
      typeof (entry as RecentProject).openedAt === 'string',
  );
}

function writeEntries(entries: RecentProject[]): void {
  mkdirSync(settingsDir(), { recursive: true });
  const file = recentFile();
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(entries, null, 2)}\n`);
  renameSync(temp, file);
}
