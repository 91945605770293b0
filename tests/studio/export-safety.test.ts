/**
 * No export can wipe a project or a file a person did not agree to replace (#13): the project's
 * own database, media, runs and other internals are refused always; an existing file is refused
 * with a `file_exists` error (the UI asks, then sends `overwrite`); a relative `out` lands in the
 * project folder, not in the server's working directory.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRouter, type Router } from '../../app/rpc/router';
import { createHandlers } from '../../app/studio/create-handlers';
import { Studio } from '../../app/studio/studio';
import { readJsonl, tempDir, writeJsonl } from '../fixtures/temp-dirs';
import { routerCalls } from '../fixtures/router-calls';

let studio: Studio;
let router: Router;
let projectDir: string;
let source: string;
const savedHome = process.env.REWARD_STUDIO_HOME;
const { call } = routerCalls(() => router);

beforeEach(async () => {
  process.env.REWARD_STUDIO_HOME = join(tempDir(), 'home');
  studio = new Studio({ kind: 'browser' });
  router = createRouter(createHandlers(studio));
  projectDir = join(tempDir(), 'project');
  studio.createProject(projectDir, 'Export safety');
  source = join(tempDir(), 'items.jsonl');
  writeJsonl(source, [
    { id: 'a', query: 'q1', response: ['x', 'y'] },
    { id: 'b', query: 'q2', response: ['x', 'y', 'z'] },
  ]);
  await call('dataset.import', { file: source, split: 'train' });
  await call('judgments.save', { itemId: 'a', annotator: 'ana', ranking: [1, 0] });
  await call('judgments.save', { itemId: 'b', annotator: 'ana', ranking: [0, 2, 1] });
});

afterEach(() => {
  studio.close();
  if (savedHome === undefined) delete process.env.REWARD_STUDIO_HOME;
  else process.env.REWARD_STUDIO_HOME = savedHome;
});

/** The error envelope of a call expected to fail. */
async function refusal(input: Record<string, unknown>): Promise<{ code: string; message: string; hint?: string }> {
  const envelope = await router.invoke('dataset.export', { format: 'seed', split: 'all', images: 'absolute', ...input });
  if (envelope.ok) throw new Error(`dataset.export ${JSON.stringify(input)} should have been refused`);
  return envelope.error;
}

async function judgedRankings(): Promise<Record<string, unknown>> {
  const out = join(tempDir(), 'check.jsonl');
  await call('dataset.export', { format: 'seed', split: 'all', out, images: 'absolute' });
  return Object.fromEntries(readJsonl(out).map((row) => [row.id, row.human_ranking]));
}

describe('dataset.export refuses what would wipe a project', () => {
  it('refuses the project database (absolute, relative, -wal, through a symlink), even with overwrite; every judgment is still there', async () => {
    const before = readFileSync(join(projectDir, 'project.sqlite'));
    for (const out of [join(projectDir, 'project.sqlite'), 'project.sqlite', './project.sqlite-wal', join(projectDir, 'project.sqlite-shm')]) {
      for (const overwrite of [false, true]) {
        const error = await refusal({ out, overwrite });
        expect(error.code, out).toBe('forbidden');
        expect(error.message).toMatch(/project/);
        expect(error.hint).toMatch(/Choose a file outside/);
      }
    }
    const link = join(tempDir(), 'innocent.jsonl');
    symlinkSync(join(projectDir, 'project.sqlite'), link);
    expect((await refusal({ out: link, overwrite: true })).code).toBe('forbidden');
    expect(readFileSync(join(projectDir, 'project.sqlite')).subarray(0, 16).toString('latin1')).toBe(before.subarray(0, 16).toString('latin1'));
    expect(await judgedRankings()).toEqual({ a: [1, 0], b: [0, 2, 1] });
  });

  it('refuses files inside media/, runs/, cache/, evaluations/ and exports/ even when new', async () => {
    for (const out of ['media/x.jsonl', 'runs/r1/data/train.jsonl', 'cache/thumbs/a.jsonl', 'evaluations/e.jsonl', 'exports/prefs.jsonl']) {
      const error = await refusal({ out, overwrite: true });
      expect(error.code, out).toBe('forbidden');
      expect(existsSync(join(projectDir, out)), out).toBe(false);
    }
  });

  it('refuses an existing file (the imported source) without overwrite, with a code the UI recognises; replaces it with overwrite', async () => {
    const original = readFileSync(source, 'utf8');
    const error = await refusal({ out: source });
    expect(error.code).toBe('file_exists');
    expect(error.message).toContain(source);
    expect(error.hint).toMatch(/overwrite|Replace/i);
    expect(readFileSync(source, 'utf8')).toBe(original);

    const report = await call('dataset.export', { format: 'seed', split: 'all', out: source, images: 'absolute', overwrite: true });
    expect(report.out).toBe(source);
    expect(readJsonl(source).map((row) => row.human_ranking)).toEqual([
      [1, 0],
      [0, 2, 1],
    ]);
  });

  it('refuses a folder as the output file', async () => {
    const folder = join(tempDir(), 'a-folder');
    mkdirSync(folder);
    const error = await refusal({ out: folder, overwrite: true });
    expect(error.code).toBe('invalid_input');
    expect(error.message).toMatch(/folder/);
  });

  it('writes a relative path into the project folder (not the working directory)', async () => {
    const report = await call('dataset.export', { format: 'seed', split: 'all', out: 'exported/prefs.jsonl', images: 'copy' });
    expect(report.out).toBe(join(projectDir, 'exported', 'prefs.jsonl'));
    expect(readJsonl(report.out)).toHaveLength(2);
    expect(existsSync(join(process.cwd(), 'exported', 'prefs.jsonl'))).toBe(false);
    // The same relative path again is an existing file.
    expect((await refusal({ out: 'exported/prefs.jsonl' })).code).toBe('file_exists');
    writeFileSync(join(projectDir, 'notes.txt'), 'mine');
    expect((await refusal({ out: 'notes.txt' })).code).toBe('file_exists');
  });
});
