/**
 * `reward-studio convert` as the Python worker runs it: a real process from another folder,
 * real files of several formats, no project; the seed rows it writes, its one-line JSON summary
 * on stdout and its exit codes.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSeedParquet } from '../fixtures/parquet-files';
import { pngBytes, writePng } from '../fixtures/images';
import { readJsonl, tempDir, writeJsonl } from '../fixtures/temp-dirs';

const root = path.resolve(__dirname, '../..');
const bin = path.join(root, 'bin/reward-studio.mjs');

/** The command run from `cwd` (never the repository), as `node <repo>/bin/reward-studio.mjs convert …`. */
function convert(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [bin, 'convert', ...args], {
    encoding: 'utf8',
    cwd,
    env: { ...process.env, REWARD_STUDIO_HOME: path.join(cwd, '.home') },
    timeout: 120_000,
  });
  const lines = result.stdout.trim().split('\n').filter((line) => line !== '');
  return { ...result, summary: lines.length === 1 ? (JSON.parse(lines[0] as string) as Record<string, unknown>) : null, stdoutLines: lines };
}

/** Every file under `dir`, relative, sorted (what a run left behind). */
function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as { name: string; parentPath: string; isFile(): boolean }[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

const trlRows = [
  {
    prompt: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'What colour is the sky?' }],
    chosen: [{ role: 'assistant', content: 'Blue.' }],
    rejected: [{ role: 'assistant', content: 'Green.' }],
    margin: 1.5,
  },
  {
    prompt: [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Which colour fills the square?' }] }],
    chosen: [{ role: 'assistant', content: 'Red.' }],
    rejected: [{ role: 'assistant', content: 'Blue.' }],
    images: ['pics/red.png'],
  },
];

const hhRows = [
  {
    chosen: '\n\nHuman: Is a tomato a fruit?\n\nAssistant: Botanically yes.\n\nHuman: And a cucumber?\n\nAssistant: Also a fruit.',
    rejected: '\n\nHuman: Is a tomato a fruit?\n\nAssistant: Botanically yes.\n\nHuman: And a cucumber?\n\nAssistant: A vegetable, obviously.',
  },
  { chosen: '\n\nHuman: Name a planet.\n\nAssistant: Mars.', rejected: '\n\nHuman: Name a planet.\n\nAssistant: The Moon.' },
];

describe('reward-studio convert', () => {
  it('writes TRL conversational JSONL as seed rows, image paths absolute, from any folder, leaving no project or temporary file', async () => {
    const dir = tempDir('rs-convert-');
    mkdirSync(path.join(dir, 'src', 'pics'), { recursive: true });
    await writePng(path.join(dir, 'src', 'pics', 'red.png'), 8, 8);
    writeJsonl(path.join(dir, 'src', 'pairs.jsonl'), [
      ...trlRows,
      trlRows[0] as object, // repeated: written once
      { prompt: [{ role: 'user', content: 'Half a pair?' }], chosen: [{ role: 'assistant', content: 'Yes.' }] },
    ]);
    const work = path.join(dir, 'elsewhere');
    mkdirSync(work);

    const result = convert(work, '../src/pairs.jsonl', '--out', '../out/train.jsonl');
    expect(result.status, result.stderr).toBe(0);
    const out = path.join(dir, 'out', 'train.jsonl');
    expect(result.summary).toEqual({ output: out, items: 2, skipped: 1, format: 'trl' });
    expect(result.stderr).toMatch(/pairs\.jsonl:4: .+/);

    const rows = readJsonl(out);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      query: 'What colour is the sky?',
      response: ['Blue.', 'Green.'],
      human_ranking: [0, 1],
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'What colour is the sky?' }],
      margin: 1.5,
    });
    expect(rows[0]).not.toHaveProperty('image');
    expect(rows[1]).toMatchObject({
      query: 'Which colour fills the square?',
      image: path.join(dir, 'src', 'pics', 'red.png'),
      response: ['Red.', 'Blue.'],
      human_ranking: [0, 1],
    });
    expect(Object.keys(rows[0] ?? {}).slice(0, 5)).toEqual(['id', 'query', 'response', 'human_ranking', 'messages']);

    // Nothing but the output: no project.sqlite, no media, no temporary file, in any folder.
    expect(filesUnder(path.join(dir, 'out'))).toEqual(['train.jsonl']);
    expect(filesUnder(path.join(dir, 'src'))).toEqual(['pairs.jsonl', path.join('pics', 'red.png')]);
    expect(filesUnder(work)).toEqual([]);
  });

  it('reads HH-RLHF transcripts and a LLaMA-Factory sharegpt JSON array: earlier turns become messages', () => {
    const dir = tempDir('rs-convert-');
    writeJsonl(path.join(dir, 'hh.jsonl'), hhRows);
    const hh = convert(dir, 'hh.jsonl', '--out', 'hh-seed.jsonl');
    expect(hh.status, hh.stderr).toBe(0);
    expect(hh.summary).toEqual({ output: path.join(dir, 'hh-seed.jsonl'), items: 2, skipped: 0, format: 'hh-rlhf' });
    const hhSeed = readJsonl(path.join(dir, 'hh-seed.jsonl'));
    expect(hhSeed[0]).toMatchObject({
      query: 'And a cucumber?',
      response: ['Also a fruit.', 'A vegetable, obviously.'],
      human_ranking: [0, 1],
      messages: [
        { role: 'user', content: 'Is a tomato a fruit?' },
        { role: 'assistant', content: 'Botanically yes.' },
        { role: 'user', content: 'And a cucumber?' },
      ],
    });
    expect(hhSeed[1]).toMatchObject({ query: 'Name a planet.', response: ['Mars.', 'The Moon.'], human_ranking: [0, 1] });

    writeFileSync(
      path.join(dir, 'lf.json'),
      JSON.stringify(
        [
          {
            conversations: [
              { from: 'system', value: 'Answer in one word.' },
              { from: 'human', value: 'Which planet is red?' },
              { from: 'gpt', value: 'Mars.' },
              { from: 'human', value: 'And the biggest?' },
            ],
            chosen: { from: 'gpt', value: 'Jupiter.' },
            rejected: { from: 'gpt', value: 'Pluto.' },
          },
          { conversations: [{ from: 'human', value: 'Capital of France?' }], chosen: { from: 'gpt', value: 'Paris.' }, rejected: { from: 'gpt', value: 'Lyon.' } },
        ],
        null,
        2,
      ),
    );
    const lf = convert(dir, 'lf.json', '--out', 'lf-seed.jsonl');
    expect(lf.status, lf.stderr).toBe(0);
    expect(lf.summary).toEqual({ output: path.join(dir, 'lf-seed.jsonl'), items: 2, skipped: 0, format: 'llamafactory-sharegpt' });
    const lfSeed = readJsonl(path.join(dir, 'lf-seed.jsonl'));
    expect(lfSeed[0]).toMatchObject({
      query: 'And the biggest?',
      response: ['Jupiter.', 'Pluto.'],
      human_ranking: [0, 1],
      messages: [
        { role: 'system', content: 'Answer in one word.' },
        { role: 'user', content: 'Which planet is red?' },
        { role: 'assistant', content: 'Mars.' },
        { role: 'user', content: 'And the biggest?' },
      ],
    });
    expect(lfSeed[1]).toEqual({ id: lfSeed[1]?.id, query: 'Capital of France?', response: ['Paris.', 'Lyon.'], human_ranking: [0, 1] });
  }, 120_000);

  it('writes Parquet-embedded images beside the output; unlabeled items only with --include-unlabeled, else reported', async () => {
    const dir = tempDir('rs-convert-');
    const red = await pngBytes(6, 4, { r: 220, g: 10, b: 10 });
    const blue = await pngBytes(5, 5, { r: 10, g: 10, b: 220 });
    writeSeedParquet(
      path.join(dir, 'prefs.parquet'),
      [
        { id: 'red', query: 'Which colour?', image: { bytes: red, path: 'red.png' }, response: ['Red.', 'Blue.'], human_ranking: [0, 1] },
        { id: 'blue', query: 'Which colour now?', image: { bytes: blue, path: null }, response: ['Green.', 'Blue.', 'Navy.'], human_ranking: [1, 0, 1] },
        { id: 'open', query: 'Not judged yet', image: { bytes: red, path: 'red.png' }, response: ['One.', 'Two.'], human_ranking: null },
      ],
      { imageAs: 'struct' },
    );
    const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

    const result = convert(dir, 'prefs.parquet', '--out', 'converted/train.jsonl', '--report', 'left-out.jsonl');
    expect(result.status, result.stderr).toBe(0);
    expect(result.summary).toEqual({ output: path.join(dir, 'converted', 'train.jsonl'), items: 2, skipped: 1, format: 'seed' });
    expect(result.stderr).toContain('prefs.parquet:3: no preference in the file (unlabeled)');
    expect(readJsonl(path.join(dir, 'left-out.jsonl'))).toEqual([
      { line: 3, reason: expect.stringContaining('--include-unlabeled') as unknown, message: expect.stringMatching(/^prefs\.parquet:3: no preference/) as unknown },
    ]);
    const rows = readJsonl(path.join(dir, 'converted', 'train.jsonl'));
    expect(rows).toEqual([
      { id: 'red', query: 'Which colour?', image: `images/${sha(red)}.png`, response: ['Red.', 'Blue.'], human_ranking: [0, 1] },
      { id: 'blue', query: 'Which colour now?', image: `images/${sha(blue)}.png`, response: ['Green.', 'Blue.', 'Navy.'], human_ranking: [1, 0, 1] },
    ]);
    // The images are real files next to the JSONL, byte for byte, each written once.
    expect(filesUnder(path.join(dir, 'converted'))).toEqual([`images/${sha(blue)}.png`, `images/${sha(red)}.png`, 'train.jsonl'].sort());
    expect(readFileSync(path.join(dir, 'converted', 'images', `${sha(red)}.png`)).equals(red)).toBe(true);

    const all = convert(dir, 'prefs.parquet', '--out', 'all.jsonl', '--include-unlabeled');
    expect(all.status, all.stderr).toBe(0);
    expect(all.summary).toMatchObject({ items: 3, skipped: 0 });
    expect(readJsonl(path.join(dir, 'all.jsonl'))[2]).toEqual({
      id: 'open',
      query: 'Not judged yet',
      image: `images/${sha(red)}.png`,
      response: ['One.', 'Two.'],
      human_ranking: null,
    });
  }, 120_000);

  it('converts a folder split by split: OUT/train.jsonl and OUT/test.jsonl, other files ignored; shards in data/ join their split', () => {
    const dir = tempDir('rs-convert-');
    const source = path.join(dir, 'dataset');
    mkdirSync(source);
    writeJsonl(path.join(source, 'train.jsonl'), [trlRows[0] as object, { prompt: 'Say hi.', chosen: 'Hi!', rejected: 'No.' }]);
    writeJsonl(path.join(source, 'test.jsonl'), hhRows);
    writeJsonl(path.join(source, 'notes.jsonl'), [{ note: 'not a split' }]);
    writeFileSync(path.join(source, 'README.md'), '# a dataset\n');

    const result = convert(dir, 'dataset', '--out', 'seed');
    expect(result.status, result.stderr).toBe(0);
    expect(result.summary).toEqual({
      output: path.join(dir, 'seed'),
      splits: { test: { items: 2, skipped: 0, format: 'hh-rlhf' }, train: { items: 2, skipped: 0, format: 'trl' } },
    });
    expect(filesUnder(path.join(dir, 'seed'))).toEqual(['test.jsonl', 'train.jsonl']);
    expect(readJsonl(path.join(dir, 'seed', 'train.jsonl')).map((row) => [row.query, row.response, row.human_ranking])).toEqual([
      ['What colour is the sky?', ['Blue.', 'Green.'], [0, 1]],
      ['Say hi.', ['Hi!', 'No.'], [0, 1]],
    ]);
    expect(readJsonl(path.join(dir, 'seed', 'test.jsonl')).map((row) => row.query)).toEqual(['And a cucumber?', 'Name a planet.']);

    // The Hugging Face Hub layout: data/<split>-0000N-of-0000M.<ext>, shards read in order into one file.
    const hub = path.join(dir, 'hub');
    mkdirSync(path.join(hub, 'data'), { recursive: true });
    writeJsonl(path.join(hub, 'data', 'train-00001-of-00002.jsonl'), [hhRows[1] as object]);
    writeJsonl(path.join(hub, 'data', 'train-00000-of-00002.jsonl'), [hhRows[0] as object]);
    const sharded = convert(dir, 'hub', '--out', 'hub-seed');
    expect(sharded.status, sharded.stderr).toBe(0);
    expect(sharded.summary).toEqual({ output: path.join(dir, 'hub-seed'), splits: { train: { items: 2, skipped: 0, format: 'hh-rlhf' } } });
    expect(readJsonl(path.join(dir, 'hub-seed', 'train.jsonl')).map((row) => row.query)).toEqual(['And a cucumber?', 'Name a planet.']);
  }, 120_000);

  it('exits 2 with a clear message and writes nothing when nothing can be converted', () => {
    const dir = tempDir('rs-convert-');
    // No reader recognises the keys: one message naming them, no summary, no file.
    writeJsonl(path.join(dir, 'odd.jsonl'), [{ question: 'Warmest colour?', good: 'Red.', bad: 'Blue.' }]);
    const odd = convert(dir, 'odd.jsonl', '--out', 'odd-seed.jsonl');
    expect(odd.status).toBe(2);
    expect(odd.stdout).toBe('');
    expect(odd.stderr).toContain('format not recognised: found keys');
    // … and the column mapping flags convert it, as they import it.
    const mapped = convert(dir, 'odd.jsonl', '--out', 'odd-seed.jsonl', '--map-prompt', 'question', '--map-responses', 'good,bad');
    expect(mapped.status, mapped.stderr).toBe(0);
    expect(mapped.summary).toMatchObject({ items: 1, skipped: 0, format: 'mapped' });
    expect(readJsonl(path.join(dir, 'odd-seed.jsonl'))[0]).toMatchObject({ query: 'Warmest colour?', response: ['Red.', 'Blue.'], human_ranking: [0, 1] });

    // Every row rejected: the reasons on stderr and in --report, the summary says 0 items.
    writeJsonl(path.join(dir, 'empty-answers.jsonl'), [
      { prompt: 'One?', chosen: '', rejected: 'No.' },
      { prompt: 'Two?', chosen: '', rejected: 'No.' },
    ]);
    const bad = convert(dir, 'empty-answers.jsonl', '--out', 'bad/seed.jsonl', '--report', 'why.jsonl');
    expect(bad.status).toBe(2);
    expect(bad.summary).toEqual({ output: path.join(dir, 'bad', 'seed.jsonl'), items: 0, skipped: 2, format: 'trl' });
    expect(bad.stderr).toMatch(/empty-answers\.jsonl:1: .*empty/);
    expect(bad.stderr).toContain('nothing to convert');
    expect(readJsonl(path.join(dir, 'why.jsonl')).map((row) => row.line)).toEqual([1, 2]);
    expect(filesUnder(path.join(dir, 'bad'))).toEqual([]);
    expect(filesUnder(dir).filter((file) => file.endsWith('.tmp') || file.endsWith('project.sqlite'))).toEqual([]);
  }, 180_000);

  it('exits 2 on usage mistakes and on a folder with nothing named like a split', () => {
    const dir = tempDir('rs-convert-');
    writeJsonl(path.join(dir, 'odd.jsonl'), [{ question: 'Warmest colour?', good: 'Red.', bad: 'Blue.' }]);
    expect(convert(dir, 'odd.jsonl').status).toBe(2);
    const missing = convert(dir, 'missing.jsonl', '--out', 'x.jsonl');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('does not exist');
    mkdirSync(path.join(dir, 'no-splits'));
    writeJsonl(path.join(dir, 'no-splits', 'prefs.jsonl'), hhRows);
    const folder = convert(dir, 'no-splits', '--out', 'no-splits-seed');
    expect(folder.status).toBe(2);
    expect(folder.stderr).toContain('no data files named like a split');
    expect(existsSync(path.join(dir, 'no-splits-seed'))).toBe(false);
  }, 120_000);

  it('is listed in the usage and explains itself with --help', () => {
    const dir = tempDir('rs-convert-');
    const help = convert(dir, '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('reward-studio convert INPUT --out OUT.jsonl');
    const usage = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8', cwd: dir });
    expect(usage.stdout).toMatch(/convert\s+convert preference data/);
  });
});
