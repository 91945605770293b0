/**
 * The `reward-studio` command as a person runs it: a real process, real files, exit codes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const bin = path.join(root, 'bin/reward-studio.mjs');
let tmp: string;
let env: NodeJS.ProcessEnv;

function cli(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env, cwd: tmp, timeout: 120_000 });
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'rs-cli-'));
  env = { ...process.env, REWARD_STUDIO_HOME: path.join(tmp, 'home') };
});

afterAll(() => undefined);

describe('reward-studio CLI', () => {
  it('prints usage and refuses unknown commands with exit 2', () => {
    const help = cli('--help');
    expect(help.status).toBe(0);
    for (const command of ['serve', 'import', 'export', 'sample-project', 'sample-data']) expect(help.stdout).toContain(command);
    const unknown = cli('frobnicate');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });

  it('creates the sample project, imports a file with bad rows (exit 3, file:line lines), and exports it back', async () => {
    const project = path.join(tmp, 'project');
    const created = cli('sample-project', project, '--items', '12');
    expect(created.status, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ itemCount: 12 });

    const data = path.join(tmp, 'incoming.jsonl');
    await writeFile(
      data,
      [
        JSON.stringify({ id: 'ok-1', query: 'Which is better?', response: ['yes', 'no'], human_ranking: [0, 1] }),
        '{"id": "broken", ',
        JSON.stringify({ id: 'no-query', response: ['a', 'b'], human_ranking: [0, 1] }),
        JSON.stringify({ id: 'ok-2', query: 'Pick one', response: ['a', 'b', 'c'], human_ranking: [1, 0, 1] }),
      ].join('\n') + '\n',
    );
    const imported = cli('import', data, '--project', project);
    expect(imported.status, imported.stderr).toBe(3);
    expect(imported.stdout).toMatch(new RegExp(`${data.replaceAll('.', '\\.')}:2: .+`));
    expect(imported.stdout).toMatch(new RegExp(`${data.replaceAll('.', '\\.')}:3: .*query`));
    expect(imported.stdout).toMatch(/2 added/);

    const again = cli('import', data, '--project', project);
    expect(again.stdout).toMatch(/0 added, 2 unchanged/);

    const out = path.join(tmp, 'export', 'all.jsonl');
    const exported = cli('export', '--project', project, '--out', out, '--format', 'seed', '--split', 'all');
    expect(exported.status, exported.stderr).toBe(0);
    const rows = (await readFile(out, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const ok2 = rows.find((row) => row.id === 'ok-2');
    expect(ok2).toEqual({ id: 'ok-2', query: 'Pick one', response: ['a', 'b', 'c'], human_ranking: [1, 0, 1] });
  });

  it('imports through --map-* flags and a dataset_info.json entry (--dataset); an unknown --format or dataset exits 2 naming what exists', async () => {
    const project = path.join(tmp, 'formats-project');
    expect(cli('sample-project', project, '--items', '0').status).toBe(0);

    // Keys no reader knows: not recognised without a mapping (exit 1, one message), imported with one.
    const odd = path.join(tmp, 'odd.jsonl');
    await writeFile(odd, [
      { question: 'Warmest colour?', good: 'Red.', bad: 'Blue.', winner: 'good', team: 'vision' },
      { question: 'Coldest colour?', good: 'Orange.', bad: 'Blue.', winner: 'bad', team: 'vision' },
    ].map((row) => JSON.stringify(row)).join('\n') + '\n');
    const unknown = cli('import', odd, '--project', project);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('format not recognised: found keys');
    const mapped = cli('import', odd, '--project', project, '--map-prompt', 'question', '--map-responses', 'good,bad', '--map-preference', 'winner');
    expect(mapped.status, mapped.stderr).toBe(0);
    expect(mapped.stdout).toMatch(/\(mapped\): 2 rows, 2 added/);

    // LLaMA-Factory's registry: the entry names its file, formatting and columns.
    const data = path.join(tmp, 'lf-data');
    await mkdir(data, { recursive: true });
    await writeFile(path.join(data, 'dataset_info.json'), JSON.stringify({
      prefs: { file_name: 'prefs.json', formatting: 'sharegpt', ranking: true, columns: { messages: 'turns', chosen: 'good', rejected: 'bad' } },
    }));
    await writeFile(path.join(data, 'prefs.json'), JSON.stringify([
      { turns: [{ from: 'system', value: 'Be brief.' }, { from: 'human', value: 'Hi?' }], good: { from: 'gpt', value: 'Hello.' }, bad: { from: 'gpt', value: 'Go.' } },
    ]));
    const entry = cli('import', path.join(data, 'dataset_info.json'), '--dataset', 'prefs', '--project', project);
    expect(entry.status, entry.stderr).toBe(0);
    expect(entry.stdout).toMatch(/prefs\.json \(llamafactory-sharegpt, JSON array\): 1 rows, 1 added/);
    // Usage mistakes exit 2, like an unknown command.
    const missing = cli('import', path.join(data, 'dataset_info.json'), '--dataset', 'nope', '--project', project);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('has no dataset named "nope"');

    const wrong = cli('import', odd, '--project', project, '--format', 'alpaca');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/--format must be auto or one of seed, .*llamafactory-sharegpt.*; got "alpaca"/);

    const exported = path.join(tmp, 'export', 'items.jsonl');
    expect(cli('export', '--project', project, '--out', exported, '--format', 'seed', '--split', 'all').status).toBe(0);
    const rows = (await readFile(exported, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    // The winner column decided each ranking; the unused column came back as metadata.
    expect(rows.find((row) => row.query === 'Coldest colour?')).toMatchObject({ response: ['Orange.', 'Blue.'], human_ranking: [1, 0], team: 'vision' });
    expect(rows.find((row) => row.query === 'Hi?')).toMatchObject({
      response: ['Hello.', 'Go.'],
      human_ranking: [0, 1],
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi?' }],
    });
  });

  it('export refuses an existing file without --force and replaces it with --force; the project database never', async () => {
    const project = path.join(tmp, 'force-project');
    expect(cli('sample-project', project, '--items', '3').status).toBe(0);
    const out = path.join(tmp, 'force', 'prefs.jsonl');
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, 'keep me\n');
    const refused = cli('export', '--project', project, '--out', out);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`${out} exists`);
    expect(refused.stderr).toContain('--force');
    expect(await readFile(out, 'utf8')).toBe('keep me\n');
    const forced = cli('export', '--project', project, '--out', out, '--force', '--include-unlabeled');
    expect(forced.status, forced.stderr).toBe(0);
    expect((await readFile(out, 'utf8')).trim().split('\n')).toHaveLength(3);
    const database = cli('export', '--project', project, '--out', path.join(project, 'project.sqlite'), '--force');
    expect(database.status).toBe(1);
    expect(database.stderr).toContain("inside the project's own files");
    expect(cli('export', '--project', project, '--out', path.join(tmp, 'force', 'again.jsonl'), '--include-unlabeled').status).toBe(0);
  });

  it('export --judgments each writes one line per annotator\'s judgment; pair formats and unknown choices are usage mistakes', async () => {
    const project = path.join(tmp, 'judgments-project');
    expect(cli('new', project).status).toBe(0);
    const dir = path.join(tmp, 'judgments-data');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'ana.jsonl'), `${JSON.stringify({ id: 'q1', query: 'Hi?', response: ['Hello.', 'Go.'], human_ranking: [0, 1] })}\n`);
    await writeFile(path.join(dir, 'bob.jsonl'), `${JSON.stringify({ id: 'q1', query: 'Hi?', response: ['Hello.', 'Go.'], human_ranking: [1, 0] })}\n`);
    expect(cli('import', path.join(dir, 'ana.jsonl'), '--project', project, '--annotator', 'ana').status).toBe(0);
    expect(cli('import', path.join(dir, 'bob.jsonl'), '--project', project, '--annotator', 'bob').status).toBe(0);

    const out = path.join(tmp, 'judgments', 'each.jsonl');
    const each = cli('export', '--project', project, '--out', out, '--judgments', 'each');
    expect(each.status, each.stderr).toBe(0);
    expect(JSON.parse(each.stdout)).toMatchObject({ judgments: 'each', rows: 2, items: 1, conflicts: { items: 1, choice: 'each' } });
    const rows = (await readFile(out, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows).toMatchObject([
      { id: 'q1', human_ranking: [0, 1], annotator: 'ana', judgment_source: 'import', guideline_version: null },
      { id: 'q1', human_ranking: [1, 0], annotator: 'bob', judgment_source: 'import', guideline_version: null },
    ]);

    const resolved = cli('export', '--project', project, '--out', path.join(tmp, 'judgments', 'resolved.jsonl'), '--judgments', 'resolved');
    expect(JSON.parse(resolved.stdout)).toMatchObject({ judgments: 'resolved', rows: 1, items: 1 });
    const pairs = cli('export', '--project', project, '--out', path.join(tmp, 'judgments', 'pairs.jsonl'), '--format', 'trl', '--judgments', 'each');
    expect(pairs.status).toBe(2);
    expect(pairs.stderr).toContain('--judgments each works with --format seed only');
    const unknown = cli('export', '--project', project, '--out', path.join(tmp, 'judgments', 'x.jsonl'), '--judgments', 'all');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('--judgments must be one of resolved, each; got "all"');
    expect(cli('export', '--help').stdout).toContain('--judgments resolved|each');
  });

  it('new creates an empty project named after its folder (or --name), refuses a folder in use, and import fills it', async () => {
    const project = path.join(tmp, 'fresh-project');
    const created = cli('new', project);
    expect(created.status, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'fresh-project', itemCount: 0 });
    expect(created.stderr).toContain(`reward-studio import --project`);
    const again = cli('new', project, '--name', 'Other');
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('already holds a Reward Studio project');
    const named = cli('new', path.join(tmp, 'named-project'), '--name', 'Kitchen prefs');
    expect(JSON.parse(named.stdout)).toMatchObject({ name: 'Kitchen prefs', itemCount: 0 });
    expect(cli('new').status).toBe(2);

    const data = path.join(tmp, 'fresh.jsonl');
    await writeFile(data, `${JSON.stringify({ id: 'f1', query: 'q', response: ['a', 'b'], human_ranking: [0, 1] })}\n`);
    const imported = cli('import', data, '--project', project);
    expect(imported.status, imported.stderr).toBe(0);
    expect(cli('--help').stdout).toContain('new');
  });

  it('explains a missing project instead of creating one', () => {
    const result = cli('import', 'x.jsonl', '--project', path.join(tmp, 'nowhere'));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('is not a Reward Studio project');
  });

  it('serve prints a tokenised URL and refuses requests without the token', async () => {
    const project = path.join(tmp, 'project');
    const child = spawn(process.execPath, [bin, 'serve', '--project', project, '--port', '0'], { env, cwd: tmp });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /Reward Studio is serving at (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output);
          if (match) resolve(match[1] as string);
        });
        child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
      });
      const parsed = new URL(url);
      const denied = await fetch(`${parsed.origin}/`);
      expect(denied.status).toBe(403);
      const allowed = await fetch(url);
      expect([200, 503]).toContain(allowed.status); // 503 names the missing build when dist/renderer is absent
    } finally {
      child.kill('SIGTERM');
    }
  });
});
