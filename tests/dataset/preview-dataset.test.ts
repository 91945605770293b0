/**
 * previewDataset: what the import panel shows before anything is written. Real files of each
 * container (JSON Lines, gzip, a JSON array, Parquet with embedded image bytes), detection's
 * verdict, the parsed preview through a reader or a mapping, and the `dataset.preview` command
 * through the real router (no project needed: nothing is written).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { previewDataset, shorten, suggestMapping } from '../../app/dataset/preview-dataset';
import { createRouter, type Router } from '../../app/rpc/router';
import { createHandlers } from '../../app/studio/create-handlers';
import { Studio } from '../../app/studio/studio';
import { pngBytes } from '../fixtures/images';
import { writeSeedParquet } from '../fixtures/parquet-files';
import { routerCalls } from '../fixtures/router-calls';
import { tempDir, writeJsonl } from '../fixtures/temp-dirs';

const ODD_ROWS = [
  { question: 'What colour is the square?', good: 'Red.', bad: 'Blue.', pic: 'red.png' },
  { question: 'Say hello', good: 'Hello!', bad: 'x'.repeat(1000) },
  { question: 'Third', good: 'Yes.', bad: 'No.' },
  { question: 'Fourth', good: 'A', bad: 'B' },
  { question: 'Fifth', good: 'A', bad: 'B' },
  { question: 'Sixth', good: 'A', bad: 'B' },
];

describe('previewDataset', () => {
  it('says a file is not recognised, with its keys, and shows its first rows cut short', async () => {
    const file = join(tempDir(), 'odd.jsonl');
    writeJsonl(file, ODD_ROWS);
    const preview = await previewDataset(file);
    expect(preview).toMatchObject({ file, container: 'jsonl', compression: 'none', detected: null, reader: null, parsedPreview: [], suggestedMapping: null });
    expect(preview.keys).toEqual(['bad', 'good', 'question', 'pic']);
    expect(preview.notRecognised).toMatch(/odd\.jsonl: format not recognised: found keys bad, good, question, pic; closest formats: /);
    expect(preview.rows).toHaveLength(5);
    expect(preview.rows[0]).toEqual({ line: 1, value: ODD_ROWS[0] });
    const long = (preview.rows[1]?.value as { bad: string }).bad;
    expect(long).toBe(`${'x'.repeat(300)}… (1000 chars)`);
    expect(preview.formats.map((format) => format.name)).toContain('trl');
    expect(preview.formats.map((format) => format.name)).not.toContain('mapped');
  });

  it('an empty file is empty, not "not recognised"', async () => {
    const file = join(tempDir(), 'empty.jsonl');
    writeFileSync(file, '');
    const preview = await previewDataset(file);
    expect(preview).toMatchObject({ rows: [], keys: [], detected: null, notRecognised: null, reader: null, parsedPreview: [] });
  });

  it('reads the first rows through a mapping, with each row error', async () => {
    const file = join(tempDir(), 'odd.jsonl');
    writeJsonl(file, [ODD_ROWS[0]!, { good: 'orphan', bad: 'row' }, '{"question": ', ODD_ROWS[2]!]);
    const preview = await previewDataset(file, { mapping: { prompt: 'question', responses: ['good', 'bad'], images: 'pic' } });
    expect(preview.reader).toEqual({ name: 'mapped', label: 'Column mapping' });
    expect(preview.mappingProblem).toBeNull();
    expect(preview.parsedPreview).toEqual([
      { line: 1, id: expect.stringMatching(/^mapped-/), query: 'What colour is the square?', conversationLength: 1, responses: ['Red.', 'Blue.'], ranking: [0, 1], images: 1 },
      { line: 2, error: 'mapped column "question" (prompt) is missing in this row (the row has good, bad)' },
      { line: 3, error: 'malformed JSON; each line must be one complete JSON object' },
    ]);
    expect(preview.rows[2]).toEqual({ line: 3, error: 'malformed JSON; each line must be one complete JSON object' });
  });

  it('reports a mapping that cannot read rows instead of one error per row', async () => {
    const file = join(tempDir(), 'odd.jsonl');
    writeJsonl(file, ODD_ROWS);
    const preview = await previewDataset(file, { mapping: { prompt: 'question' } });
    expect(preview.reader).toBeNull();
    expect(preview.parsedPreview).toEqual([]);
    expect(preview.mappingProblem).toMatch(/^the mapping has no responses/);
  });

  it('detects a gzip-compressed TRL file and suggests its columns as a mapping', async () => {
    const file = join(tempDir(), 'prefs.jsonl.gz');
    const rows = [
      { prompt: 'What is 2+2?', chosen: '4', rejected: '5', source: 'math' },
      { prompt: 'Capital of France?', chosen: 'Paris', rejected: 'Lyon', source: 'geo' },
    ];
    writeFileSync(file, gzipSync(rows.map((row) => JSON.stringify(row)).join('\n')));
    const preview = await previewDataset(file);
    expect(preview).toMatchObject({ compression: 'gzip', container: 'jsonl', notRecognised: null });
    expect(preview.detected).toEqual({ name: 'trl', label: 'TRL preference (chosen / rejected)', confidence: 1 });
    expect(preview.reader?.name).toBe('trl');
    expect(preview.parsedPreview.map((row) => [row.query, row.responses, row.ranking])).toEqual([
      ['What is 2+2?', ['4', '5'], [0, 1]],
      ['Capital of France?', ['Paris', 'Lyon'], [0, 1]],
    ]);
    // `source` is not a TRL column, so the suggestion leaves it out.
    expect(preview.suggestedMapping).toEqual({ prompt: 'prompt', responses: ['chosen', 'rejected'] });
  });

  it('forces a format: the rows are read by it, detection is still reported', async () => {
    const file = join(tempDir(), 'rows.json');
    writeFileSync(file, JSON.stringify([{ id: 's1', query: 'Q', response: ['a', 'b'], human_ranking: [1, 0] }]));
    const preview = await previewDataset(file, { format: 'trl' });
    expect(preview.container).toBe('json');
    expect(preview.detected?.name).toBe('seed');
    expect(preview.reader?.name).toBe('trl');
    expect(preview.parsedPreview).toEqual([{ line: 1, error: 'missing field "chosen"; give the preferred response' }]);
    // The forced reader's columns the file has: only `id` is one of TRL's.
    expect(preview.suggestedMapping).toEqual({ id: 'id' });
    await expect(previewDataset(file, { format: 'nope' })).rejects.toThrow('"nope" is not a format the studio reads');
  });

  it('shows embedded image bytes of a Parquet file as their size', async () => {
    const file = join(tempDir(), 'seed.parquet');
    const png = await pngBytes(8, 8);
    writeSeedParquet(file, [{ id: 'p1', query: 'Colour?', image: { bytes: png, path: 'red.png' }, response: ['Red', 'Blue'], human_ranking: [0, 1] }], {
      imageAs: 'struct',
    });
    const preview = await previewDataset(file);
    expect(preview.container).toBe('parquet');
    expect(preview.rows[0]?.value).toEqual({ id: 'p1', query: 'Colour?', image: { bytes: `<${png.byteLength} bytes>`, path: 'red.png' }, response: ['Red', 'Blue'], human_ranking: [0, 1] });
    expect(preview.detected?.name).toBe('seed');
    expect(preview.parsedPreview[0]).toMatchObject({ id: 'p1', images: 1, ranking: [0, 1] });
    expect(preview.suggestedMapping).toEqual({ prompt: 'query', responseList: 'response', preference: 'human_ranking', images: 'image', id: 'id' });
  });

  it('keeps values small and plain', () => {
    expect(shorten({ a: 1n, b: new Uint8Array(5), c: Array.from({ length: 25 }, (_, i) => i) }, 0)).toEqual({
      a: 1,
      b: '<5 bytes>',
      c: [...Array.from({ length: 20 }, (_, i) => i), '… 5 more'],
    });
    expect(suggestMapping(['conversations', 'chosen', 'rejected', 'system'], ['conversations', 'chosen', 'rejected', 'system'])).toEqual({
      conversation: 'conversations',
      system: 'system',
      responses: ['chosen', 'rejected'],
    });
  });
});

describe('dataset.preview through the router', () => {
  let router: Router;
  const savedHome = process.env.REWARD_STUDIO_HOME;
  const { call, failure } = routerCalls(() => router);

  beforeEach(() => {
    process.env.REWARD_STUDIO_HOME = join(tempDir(), 'home');
    router = createRouter(createHandlers(new Studio({ kind: 'browser' })));
  });
  afterEach(() => {
    process.env.REWARD_STUDIO_HOME = savedHome;
  });

  it('previews without an open project and validates the mapping', async () => {
    const file = join(tempDir(), 'odd.jsonl');
    writeJsonl(file, ODD_ROWS);
    const preview = await call('dataset.preview', { file, mapping: { prompt: 'question', responses: ['good', 'bad'] } });
    expect(preview.parsedPreview[0]).toMatchObject({ query: 'What colour is the square?', responses: ['Red.', 'Blue.'] });
    expect(await failure('dataset.preview', { file, mapping: { prompt: 'question', responses: ['good'] } })).toMatch(/responses/);
    expect(await failure('dataset.preview', { file: join(tempDir(), 'missing.jsonl') })).toMatch(/^cannot open .*missing\.jsonl/);
  });

  it('refuses an import whose mapping cannot read rows, once', async () => {
    const file = join(tempDir(), 'odd.jsonl');
    writeJsonl(file, ODD_ROWS);
    const studio = new Studio({ kind: 'browser' });
    router = createRouter(createHandlers(studio));
    studio.createProject(join(tempDir(), 'project'), 'Mapped');
    expect(await failure('dataset.import', { file, mapping: { responses: ['good', 'bad'] } })).toBe(
      'The column mapping cannot be used: the mapping has no prompt or conversation column; map the column with the question (or the message list before the responses).',
    );
    const report = await call('dataset.import', { file, mapping: { prompt: 'question', responses: ['good', 'bad'] } });
    expect(report).toMatchObject({ format: 'mapped', added: 6, errorCount: 0 });
  });
});
