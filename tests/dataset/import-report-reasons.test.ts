/**
 * The import report people read: rejected rows counted by reason (one entry per way of failing,
 * with its count and first lines), every rejected row written by `--report FILE`, and a file of
 * unknown shape refused once with the keys it has and the formats that came closest.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDataset, listImports } from '../../app/dataset/import-dataset';
import { reasonKey } from '../../app/dataset/import-reasons';
import { ProjectStore } from '../../app/store/project-store';
import { readJsonl, tempDir, writeJsonl } from '../fixtures/temp-dirs';

const bin = resolve(__dirname, '../../bin/reward-studio.mjs');

function cli(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    cwd,
    env: { ...process.env, REWARD_STUDIO_HOME: join(cwd, 'home') },
    timeout: 120_000,
  });
}

const good = (n: number) => ({ id: `ok-${n}`, query: `Question ${n}?`, response: ['Yes.', 'No.'], human_ranking: [0, 1] });
const noQuery = (n: number) => ({ id: `nq-${n}`, response: ['a', 'b'], human_ranking: [0, 1] });
const badRank = (n: number) => ({ id: `br-${n}`, query: 'q', response: ['a', 'b'], human_ranking: [0, n + 5] });

describe('import report', () => {
  it('counts rejected rows by reason: one entry per reason, most frequent first, with the first 5 lines', async () => {
    const dir = tempDir();
    const rows: (object | string)[] = [];
    for (let n = 0; n < 60; n++) {
      if (n % 5 === 0) rows.push(good(n));
      else if (n % 5 === 4) rows.push(badRank(n));
      else rows.push(noQuery(n));
    }
    rows.push('{"id": "cut", ');
    // Same id, different content: the quoted id and the line are blanked in the reason's key.
    rows.push({ ...good(0), response: ['Other.', 'Text.'] }, { ...good(5), response: ['Other.', 'Text.'] });
    const file = join(dir, 'mixed.jsonl');
    writeJsonl(file, rows);
    const store = ProjectStore.create(join(tempDir(), 'p'), { name: 'p' });
    const report = await importDataset(store, file);
    expect(report).toMatchObject({ rowsRead: 63, added: 12, errorCount: 51 });
    expect(report.reasons).toEqual([
      {
        reason: 'missing field "query"; add the question asked about the image',
        count: 36,
        lines: [2, 3, 4, 7, 8],
        example: 'mixed.jsonl:2: missing field "query"; add the question asked about the image',
      },
      {
        reason: 'human_ranking[N] = N is out of range; ranks go from N (best) to N',
        count: 12,
        lines: [5, 10, 15, 20, 25],
        example: 'mixed.jsonl:5: human_ranking[1] = 9 is out of range; ranks go from 0 (best) to 1',
      },
      {
        reason: 'duplicate id "…" with different content (first seen at line N); give this row a new id',
        count: 2,
        lines: [62, 63],
        example: 'mixed.jsonl:62: duplicate id "ok-0" with different content (first seen at line 1); give this row a new id',
      },
      {
        reason: 'malformed JSON; each line must be one complete JSON object',
        count: 1,
        lines: [61],
        example: 'mixed.jsonl:61: malformed JSON; each line must be one complete JSON object',
      },
    ]);
    // Every row is still listed (up to 1000), in the order it was met.
    expect(report.errors).toHaveLength(51);
    expect(listImports(store)[0]?.reasons).toEqual(report.reasons);
    // Field names stay in the key; numbers, ids and other quoted text do not.
    expect(reasonKey('annotations[3]: ranker id "x9" is not an item of the task\'s list')).toBe('annotations[N]: ranker id "…" is not an item of the task\'s list');
    expect(reasonKey(`user "5a3c0d2e-1111"'s "preference" leaves out "response-2"; rank every response`)).toBe(
      'user "…"\'s "preference" leaves out "…"; rank every response',
    );
    store.close();
  });

  it('--report FILE writes every rejected row, past the 1000 the report keeps; the console groups them', () => {
    const dir = tempDir();
    const project = join(dir, 'project');
    ProjectStore.create(project, { name: 'cli' }).close();
    const rows: object[] = [good(1)];
    for (let n = 0; n < 1200; n++) rows.push(n % 2 === 0 ? noQuery(n) : badRank(n));
    rows.push(good(2));
    const data = join(dir, 'incoming.jsonl');
    writeJsonl(data, rows);
    const out = join(dir, 'rejected.jsonl');

    const run = cli(dir, 'import', data, '--project', project, '--report', out);
    expect(run.status, run.stderr).toBe(3);
    expect(run.stdout).toContain('1200 rows rejected, for 2 reasons:');
    expect(run.stdout).toContain('600 × missing field "query"; add the question asked about the image (lines 2, 4, 6, 8, 10, …)');
    expect(run.stdout).toContain(`${data}:2: missing field "query"; add the question asked about the image`);
    expect(run.stdout).toMatch(/1202 rows, 2 added, 0 unchanged, 1200 rejected/);
    expect(run.stdout).toContain(`Every rejected row is in ${out}.`);
    // Grouped, not one line per row.
    expect(run.stdout.split('\n').filter((line) => line.startsWith(`${data}:`) || line.includes(`${data}:`)).length).toBeLessThanOrEqual(6);

    const rejected = readJsonl(out);
    expect(rejected).toHaveLength(1200);
    expect(rejected[0]).toEqual({
      line: 2,
      reason: 'missing field "query"; add the question asked about the image',
      message: 'incoming.jsonl:2: missing field "query"; add the question asked about the image',
    });
    expect(rejected[1199]).toMatchObject({ line: 1201, reason: 'human_ranking[1] = 1204 is out of range; ranks go from 0 (best) to 1' });
    expect(rejected.map((row) => row.line)).toEqual(Array.from({ length: 1200 }, (_, index) => index + 2));

    // The stored report keeps the first 1000 rows and every count.
    const store = ProjectStore.open(project);
    const stored = listImports(store)[0];
    expect(stored).toMatchObject({ errorCount: 1200, added: 2 });
    expect(stored?.errors).toHaveLength(1000);
    expect(stored?.reasons?.map((group) => group.count)).toEqual([600, 600]);
    store.close();
  });

  it('refuses a file of unknown shape once, naming its keys and the closest formats; nothing is written', async () => {
    const dir = tempDir();
    const file = join(dir, 'scores.jsonl');
    writeJsonl(
      file,
      Array.from({ length: 300 }, (_, n) => ({ query: `q${n}`, answers: ['a', 'b'], score: n })),
    );
    const store = ProjectStore.create(join(tempDir(), 'p'), { name: 'p' });
    const errors: unknown[] = [];
    await expect(importDataset(store, file, { onRowError: (error) => errors.push(error) })).rejects.toMatchObject({
      code: 'bad_file',
      message: `${file}: format not recognised: found keys answers, query, score; closest formats: seed (5% fit)`,
      hint: expect.stringContaining('--format NAME'),
    });
    expect(errors).toEqual([]);
    expect(store.listItems({}).total).toBe(0);
    expect(listImports(store)).toEqual([]);
    store.close();

    const project = join(dir, 'project');
    ProjectStore.create(project, { name: 'cli' }).close();
    const out = join(dir, 'rejected.jsonl');
    const run = cli(dir, 'import', file, '--project', project, '--report', out);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.split('\n').filter((line) => line.includes('format not recognised'));
    expect(lines).toEqual([`reward-studio: ${file}: format not recognised: found keys answers, query, score; closest formats: seed (5% fit)`]);
    expect(readFileSync(out, 'utf8')).toBe('');
  });
});
