import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProjectStore } from '../../app/store/project-store';
import { addRecentProject, MAX_RECENT_PROJECTS, readRecentProjects, removeRecentProject, settingsDir } from '../../app/store/recent-projects';
import { tempDir } from '../fixtures/temp-dirs';

describe('recent projects', () => {
  let previous: string | undefined;
  beforeEach(() => {
    previous = process.env.REWARD_STUDIO_HOME;
    process.env.REWARD_STUDIO_HOME = tempDir('rs-home-');
  });
  afterEach(() => {
    if (previous === undefined) delete process.env.REWARD_STUDIO_HOME;
    else process.env.REWARD_STUDIO_HOME = previous;
  });

  function project(name: string): string {
    const dir = join(tempDir(), name);
    ProjectStore.create(dir, { name }).close();
    return dir;
  }

  it('keeps the most recent first, without duplicates, at most 12', () => {
    const dirs = Array.from({ length: 14 }, (_, i) => project(`p${i}`));
    for (const dir of dirs) addRecentProject(dir, dir.split('/').pop() ?? '');
    addRecentProject(dirs[3] ?? '', 'p3');
    const recent = readRecentProjects();
    expect(recent).toHaveLength(MAX_RECENT_PROJECTS);
    expect(recent.map((entry) => entry.name).slice(0, 3)).toEqual(['p3', 'p13', 'p12']);
    expect(new Set(recent.map((entry) => entry.dir)).size).toBe(MAX_RECENT_PROJECTS);
    const stored = JSON.parse(readFileSync(join(settingsDir(), 'recent-projects.json'), 'utf8')) as unknown[];
    expect(stored).toHaveLength(MAX_RECENT_PROJECTS);
  });

  it('prunes projects whose folder is gone, and removes on request', () => {
    const kept = project('kept');
    const gone = project('gone');
    addRecentProject(kept, 'kept');
    addRecentProject(gone, 'gone');
    rmSync(gone, { recursive: true });
    expect(readRecentProjects().map((entry) => entry.name)).toEqual(['kept']);
    expect(removeRecentProject(kept)).toEqual([]);
  });

  it('treats a damaged settings file as an empty list', () => {
    const dir = project('x');
    addRecentProject(dir, 'x');
    writeFileSync(join(settingsDir(), 'recent-projects.json'), '{not json');
    expect(readRecentProjects()).toEqual([]);
  });
});
