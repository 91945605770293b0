/**
 * The per-judgment seed export (ExportOptions.judgments 'each'): one line per judgment of each
 * item, with its annotator and provenance, and the seed reader taking such a file back.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exportDataset } from '../../app/dataset/export-dataset';
import { importDataset } from '../../app/dataset/import-dataset';
import { StudioError } from '../../app/errors';
import { mediaRelPath } from '../../app/media/media-store';
import { createRouter } from '../../app/rpc/router';
import { ProjectStore } from '../../app/store/project-store';
import { createHandlers } from '../../app/studio/create-handlers';
import { Studio } from '../../app/studio/studio';
import { routerCalls } from '../fixtures/router-calls';
import { writeSeedFolder } from '../fixtures/seed-files';
import { readJsonl, tempDir, writeJsonl } from '../fixtures/temp-dirs';

async function seededProject(): Promise<ProjectStore> {
  const store = ProjectStore.create(join(tempDir(), 'project'), { name: 'Source' });
  const report = await importDataset(store, await writeSeedFolder(tempDir()));
  expect(report.errorCount).toBe(0);
  return store;
}

/**
 * The seed fixture (every labeled item judged by "import"), then a team: ana and bob judge
 * 'one-image' under guidelines v2 and v3, lead adjudicates it; ana also judges 'text-only'.
 */
async function teamProject(): Promise<ProjectStore> {
  const store = await seededProject();
  store.saveJudgment({ itemId: 'one-image', annotator: 'ana', ranking: [1, 0], guidelineVersion: 2, decision: 'ranked' });
  store.saveJudgment({ itemId: 'one-image', annotator: 'bob', ranking: [0, 1], guidelineVersion: 3 });
  store.saveJudgment({ itemId: 'one-image', annotator: 'lead', ranking: [0, 1], source: 'adjudication', guidelineVersion: 3 });
  store.saveJudgment({ itemId: 'text-only', annotator: 'ana', ranking: [2, 1, 0], guidelineVersion: 2 });
  return store;
}

/** Each item's judgments as the project keeps them, without ids and times: who, how, what. */
function judgmentsByItem(store: ProjectStore): Record<string, object[]> {
  const result: Record<string, object[]> = {};
  for (const summary of store.listItems({ limit: 1000 }).items) {
    const item = store.getItem(summary.id);
    result[item.id] = item.judgments
      .map((judgment) => ({
        annotator: judgment.annotator,
        adjudication: judgment.source === 'adjudication',
        ranking: judgment.ranking,
        guidelineVersion: judgment.guidelineVersion,
        decision: judgment.decision,
      }))
      .sort((a, b) => `${a.annotator}${a.adjudication}`.localeCompare(`${b.annotator}${b.adjudication}`));
  }
  return result;
}

describe('per-judgment seed export', () => {
  it('writes one line per judgment, by judgment id, with annotator, source, guideline version, time and decision', async () => {
    const store = await teamProject();
    const out = join(tempDir(), 'each.jsonl');
    const report = await exportDataset(store, { format: 'seed', split: 'all', out, images: 'absolute', judgments: 'each' });
    // 5 labeled items judged by "import", plus ana, bob and lead on one-image and ana on text-only.
    expect(report).toMatchObject({ judgments: 'each', rows: 9, items: 5, skippedUnlabeled: 1 });
    // The conflicts option does not apply: every judgment is written (text-only: import vs ana is a conflict).
    expect(report.conflicts).toMatchObject({ items: 1, examples: ['text-only'], choice: 'each' });
    const lines = readJsonl(out);
    expect(lines.map((line) => [line.id, line.annotator])).toEqual([
      ['one-image', 'import'],
      ['one-image', 'ana'],
      ['one-image', 'bob'],
      ['one-image', 'lead'],
      ['second-better', 'import'],
      ['two-images', 'import'],
      ['text-only', 'import'],
      ['text-only', 'ana'],
      ['tie', 'import'],
    ]);
    const item = store.getItem('one-image');
    const byId = new Map(item.judgments.map((judgment) => [judgment.annotator + judgment.source, judgment]));
    const ana = byId.get('anaui');
    expect(lines[1]).toEqual({
      id: 'one-image',
      query: 'What colour is the square?',
      image: join(store.dir, mediaRelPath(item.images[0]?.sha256 ?? '', 'png')),
      response: ['Red.', 'Blue.'],
      human_ranking: [1, 0],
      annotator: 'ana',
      judgment_source: 'ui',
      guideline_version: 2,
      judged_at: ana?.updatedAt,
      decision: 'ranked',
    });
    expect(Object.keys(lines[1] ?? {})).toEqual(['id', 'query', 'image', 'response', 'human_ranking', 'annotator', 'judgment_source', 'guideline_version', 'judged_at', 'decision']);
    expect(lines[0]).toMatchObject({ human_ranking: [0, 1], annotator: 'import', judgment_source: 'import', guideline_version: null });
    expect(lines[0]).not.toHaveProperty('decision');
    expect(lines[2]).toMatchObject({ human_ranking: [0, 1], annotator: 'bob', judgment_source: 'ui', guideline_version: 3 });
    expect(lines[3]).toMatchObject({ human_ranking: [0, 1], annotator: 'lead', judgment_source: 'adjudication', guideline_version: 3 });
    expect(lines[7]).toMatchObject({ id: 'text-only', human_ranking: [2, 1, 0], annotator: 'ana', guideline_version: 2 });
    store.close();
  });

  it('writes an unlabeled item once, without an annotator, only with includeUnlabeled; "skip" conflicts still writes every judgment', async () => {
    const store = await teamProject();
    const out = join(tempDir(), 'each-all.jsonl');
    const report = await exportDataset(store, {
      format: 'seed',
      split: 'all',
      out,
      images: 'absolute',
      judgments: 'each',
      includeUnlabeled: true,
      conflicts: 'skip',
    });
    expect(report).toMatchObject({ rows: 10, items: 6, skippedUnlabeled: 0 });
    expect(report.conflicts.choice).toBe('each');
    const lines = readJsonl(out);
    const unlabeled = lines.filter((line) => line.id === 'unlabeled');
    expect(unlabeled).toHaveLength(1);
    expect(unlabeled[0]?.human_ranking).toBeNull();
    for (const key of ['annotator', 'judgment_source', 'guideline_version', 'judged_at']) expect(unlabeled[0]).not.toHaveProperty(key);
    expect(lines.filter((line) => line.id === 'text-only')).toHaveLength(2);
    store.close();
  });

  it('leaves out source columns named like a per-judgment field, and says so', async () => {
    const dir = tempDir();
    writeJsonl(join(dir, 'data.jsonl'), [
      { id: 'a', query: 'Q?', response: ['x', 'y'], human_ranking: [0, 1], annotator: 'from-the-source', batch: 3 },
    ]);
    const store = ProjectStore.create(join(tempDir(), 'project'), { name: 'Clash' });
    expect((await importDataset(store, join(dir, 'data.jsonl'))).errorCount).toBe(0);
    const out = join(tempDir(), 'each.jsonl');
    const report = await exportDataset(store, { format: 'seed', split: 'all', out, images: 'absolute', judgments: 'each' });
    expect(readJsonl(out)).toEqual([
      expect.objectContaining({ id: 'a', annotator: 'import', judgment_source: 'import', batch: 3 }),
    ]);
    expect(report.omissions).toEqual([
      { what: 'metadata', reason: 'source columns named like per-judgment fields (annotator) are not written', items: 1, examples: ['a'] },
    ]);
    // The resolved export keeps the source column as it always did.
    const resolved = join(tempDir(), 'resolved.jsonl');
    await exportDataset(store, { format: 'seed', split: 'all', out: resolved, images: 'absolute' });
    expect(readJsonl(resolved)[0]).toMatchObject({ annotator: 'from-the-source', batch: 3 });
    store.close();
  });

  it('leaves the resolved export as it was: the default, one line per item', async () => {
    const store = await teamProject();
    const byDefault = await exportDataset(store, { format: 'seed', split: 'all', out: join(tempDir(), 'default.jsonl'), images: 'absolute' });
    const resolved = await exportDataset(store, { format: 'seed', split: 'all', out: join(tempDir(), 'resolved.jsonl'), images: 'absolute', judgments: 'resolved' });
    expect(byDefault).toMatchObject({ judgments: 'resolved', rows: 5, items: 5, conflicts: { choice: 'include' } });
    expect(resolved).toMatchObject({ judgments: 'resolved', rows: 5, items: 5 });
    expect(readFileSync(resolved.out, 'utf8')).toBe(readFileSync(byDefault.out, 'utf8'));
    const lines = readJsonl(resolved.out);
    expect(lines.find((line) => line.id === 'one-image')).toMatchObject({ human_ranking: [0, 1] });
    for (const line of lines) expect(line).not.toHaveProperty('annotator');
    store.close();
  });

  it('refuses one row per judgment in a pair format, before anything is written', async () => {
    const store = await teamProject();
    for (const format of ['trl', 'llamafactory', 'ms-swift', 'parquet'] as const) {
      const out = join(tempDir(), `each.${format === 'parquet' ? 'parquet' : 'jsonl'}`);
      const refused = exportDataset(store, { format, split: 'all', out, images: 'absolute', judgments: 'each' });
      await expect(refused).rejects.toBeInstanceOf(StudioError);
      await expect(refused).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('seed format only') });
      await expect(refused).rejects.toMatchObject({ hint: expect.stringContaining('Choose the seed format') });
      expect(existsSync(out)).toBe(false);
    }
    store.close();
  });
});

describe('per-judgment seed file, imported', () => {
  it('round-trips: export each, import into a fresh project, the same judgments per annotator and the same resolved rankings', async () => {
    const source = await teamProject();
    const out = join(tempDir(), 'roundtrip', 'each.jsonl');
    const exported = await exportDataset(source, { format: 'seed', split: 'all', out, images: 'copy', judgments: 'each', includeUnlabeled: true });
    const copy = ProjectStore.create(join(tempDir(), 'copy'), { name: 'Copy' });
    const report = await importDataset(copy, out);
    expect(report).toMatchObject({ format: 'seed', rowsRead: exported.rows, added: 6, errorCount: 0, labeled: 9 });
    expect(judgmentsByItem(copy)).toEqual(judgmentsByItem(source));
    const resolved = (store: ProjectStore) =>
      Object.fromEntries(store.listItems({ limit: 1000 }).items.map((summary) => [summary.id, store.getItem(summary.id).resolvedRanking]));
    expect(resolved(copy)).toEqual(resolved(source));
    // The time of each judgment comes along; a judgment made in another project's UI comes in as an import here.
    const lead = copy.getItem('one-image').judgments.find((judgment) => judgment.source === 'adjudication');
    expect(lead?.updatedAt).toBe(source.getItem('one-image').judgments.find((judgment) => judgment.source === 'adjudication')?.updatedAt);
    const again = await exportDataset(copy, { format: 'seed', split: 'all', out: join(tempDir(), 'again', 'each.jsonl'), images: 'copy', judgments: 'each', includeUnlabeled: true });
    const strip = (lines: Record<string, unknown>[]) => lines.map(({ judgment_source, ...rest }) => ({ ...rest, adjudication: judgment_source === 'adjudication' }));
    expect(strip(readJsonl(again.out))).toEqual(strip(readJsonl(out)));
    source.close();
    copy.close();
  });

  it('keeps fields named like per-judgment fields as source columns on a line without "judgment_source"', async () => {
    const dir = tempDir();
    writeJsonl(join(dir, 'data.jsonl'), [{ id: 'a', query: 'Q?', response: ['x', 'y'], human_ranking: [0, 1], annotator: 'someone', decision: 'kept' }]);
    const store = ProjectStore.create(join(tempDir(), 'project'), { name: 'Plain' });
    expect((await importDataset(store, join(dir, 'data.jsonl'))).errorCount).toBe(0);
    const item = store.getItem('a');
    expect(item.metadata).toEqual({ annotator: 'someone', decision: 'kept' });
    expect(item.judgments.map((judgment) => judgment.annotator)).toEqual(['import']);
    store.close();
  });

  it('refuses a judgment line without an annotator, with an unknown source or another item under the same id', async () => {
    const dir = tempDir();
    const base = { id: 'a', query: 'Q?', response: ['x', 'y'], human_ranking: [0, 1] };
    writeJsonl(join(dir, 'data.jsonl'), [
      { ...base, annotator: 'ana', judgment_source: 'ui', guideline_version: 1 },
      { ...base, judgment_source: 'ui' },
      { ...base, annotator: 'bob', judgment_source: 'vote' },
      { ...base, response: ['x', 'z'], annotator: 'bob', judgment_source: 'ui' },
      { ...base, human_ranking: [1, 0], annotator: 'bob', judgment_source: 'ui', guideline_version: 'v2' },
    ]);
    const store = ProjectStore.create(join(tempDir(), 'project'), { name: 'Bad' });
    const report = await importDataset(store, join(dir, 'data.jsonl'), { format: 'seed' });
    expect(report.errors.map((error) => [error.line, error.reason])).toEqual([
      [2, expect.stringContaining('needs "annotator"')],
      [3, expect.stringContaining('"judgment_source" must be "import", "ui" or "adjudication"')],
      [4, expect.stringContaining('duplicate id "a" with different content')],
      [5, expect.stringContaining('"guideline_version" must be a whole number')],
    ]);
    expect(store.getItem('a').judgments.map((judgment) => [judgment.annotator, judgment.guidelineVersion])).toEqual([['ana', 1]]);
    store.close();
  });
});

describe('dataset.export with judgments', () => {
  const savedHome = process.env.REWARD_STUDIO_HOME;
  afterEach(() => {
    if (savedHome === undefined) delete process.env.REWARD_STUDIO_HOME;
    else process.env.REWARD_STUDIO_HOME = savedHome;
  });

  it('passes the choice through the contract, and refuses an unknown one', async () => {
    process.env.REWARD_STUDIO_HOME = join(tempDir(), 'home');
    const studio = new Studio({ kind: 'browser' });
    const router = createRouter(createHandlers(studio));
    const { call, failure } = routerCalls(() => router);
    studio.createProject(join(tempDir(), 'project'), 'Contract');
    const source = join(tempDir(), 'items.jsonl');
    writeJsonl(source, [{ id: 'a', query: 'q1', response: ['x', 'y'], human_ranking: [0, 1] }]);
    await call('dataset.import', { file: source, split: 'train' });
    await call('judgments.save', { itemId: 'a', annotator: 'ana', ranking: [1, 0] });
    const each = await call('dataset.export', { format: 'seed', split: 'all', out: 'each.jsonl', images: 'absolute', judgments: 'each' });
    expect(each).toMatchObject({ judgments: 'each', rows: 2, items: 1 });
    expect(readJsonl(each.out).map((line) => line.annotator)).toEqual(['import', 'ana']);
    const plain = await call('dataset.export', { format: 'seed', split: 'all', out: 'plain.jsonl', images: 'absolute' });
    expect(plain).toMatchObject({ judgments: 'resolved', rows: 1 });
    expect(await failure('dataset.export', { format: 'seed', out: 'x.jsonl', judgments: 'all' })).toMatch(/judgments/);
    expect(await failure('dataset.export', { format: 'trl', out: 'x.jsonl', judgments: 'each' })).toMatch(/seed format only/);
    studio.close();
  });
});
