/**
 * The `mapped` reader: rows read through a person's column mapping. Unit cases for every kind of
 * column it accepts and every refusal, then whole imports into a real project (images on disk,
 * a Parquet-style bytes struct, unlabeled response lists, bad rows counted by reason).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rankReaders } from '../../app/dataset/detect-format';
import { readerNamed } from '../../app/dataset/formats';
import type { ColumnMapping } from '../../app/dataset/formats/format-reader';
import { mappedColumns, mappedReader, mappingProblem, parseMappedRow, readPreference } from '../../app/dataset/formats/mapped';
import { importDataset } from '../../app/dataset/import-dataset';
import { RowError, type ParsedRow } from '../../app/dataset/parsed-row';
import { ProjectStore } from '../../app/store/project-store';
import { writePng } from '../fixtures/images';
import { tempDir, writeJsonl } from '../fixtures/temp-dirs';

const QGB: ColumnMapping = { prompt: 'question', responses: ['good', 'bad'], images: 'pic', id: 'key' };

function reason(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof RowError) return error.reason;
    throw error;
  }
  throw new Error('expected a RowError');
}

function parse(row: Record<string, unknown>, mapping: ColumnMapping): ParsedRow {
  return parseMappedRow(row, mapping);
}

describe('mapped reader', () => {
  it('is registered but never chosen by detection', () => {
    expect(readerNamed('mapped')).toBe(mappedReader);
    const rows = [{ question: 'q', good: 'a', bad: 'b' }, { prompt: 'p', chosen: 'a', rejected: 'b' }];
    expect(rankReaders(rows).map((candidate) => candidate.name)).not.toContain('mapped');
    expect(mappedReader.fit({ question: 'q', good: 'a', bad: 'b' })).toBe(0);
  });

  it('reads text prompt + response columns best first, images and id', () => {
    const parsed = parse({ key: 7, question: 'What colour?', good: 'Red.', bad: 'Blue.', pic: 'img/red.png' }, QGB);
    expect(parsed).toMatchObject({
      id: '7',
      query: 'What colour?',
      prompt: null,
      responses: ['Red.', 'Blue.'],
      ranking: [0, 1],
      images: [{ kind: 'path', path: 'img/red.png' }],
    });
    expect(mappedReader.consumedKeys({ mapping: QGB })).toEqual(['key', 'question', 'good', 'bad', 'pic']);
  });

  it('derives a content id when no id column is mapped, stable across reads', () => {
    const mapping = { prompt: 'q', responses: ['x', 'y'] };
    const first = parse({ q: 'Hi', x: 'Hello.', y: 'Go away.' }, mapping);
    expect(first.id).toMatch(/^mapped-[0-9a-f]{12}$/);
    expect(parse({ q: 'Hi', x: 'Hello.', y: 'Go away.' }, mapping).id).toBe(first.id);
  });

  it('puts system and conversation before the prompt, and places <image> tokens', () => {
    const parsed = parse(
      {
        sys: 'Be brief.',
        history: [
          { from: 'human', value: 'Hello' },
          { from: 'gpt', value: 'Hi.' },
        ],
        q: '<image>What is this?',
        a: 'A cat.',
        b: 'A dog.',
        imgs: ['cat.png'],
      },
      { system: 'sys', conversation: 'history', prompt: 'q', responses: ['a', 'b'], images: 'imgs' },
    );
    expect(parsed.prompt).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello' },
      { role: 'assistant', content: 'Hi.' },
      { role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'What is this?' }] },
    ]);
    expect(parsed.query).toBe('What is this?');
  });

  it('reads a conversation alone, message responses and a {bytes, path} image', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const parsed = parse(
      {
        messages: [{ role: 'user', content: 'Pick one' }],
        chosen: { role: 'assistant', content: 'This one.' },
        rejected: [{ role: 'assistant', content: [{ type: 'text', text: 'That one.' }] }],
        image: { bytes, path: 'x.png' },
      },
      { conversation: 'messages', responses: ['chosen', 'rejected'], images: 'image' },
    );
    expect(parsed.responses).toEqual(['This one.', 'That one.']);
    expect(parsed.images).toEqual([{ kind: 'bytes', bytes, label: 'image "x.png" (embedded)' }]);
    // One user turn with its image first is the simple form: stored as query + images.
    expect(parsed.prompt).toBeNull();
    expect(parsed.query).toBe('Pick one');
  });

  it('reads a response list: unlabeled without a preference, ranked with one', () => {
    const mapping = { prompt: 'q', responseList: 'outs' };
    expect(parse({ q: 'q', outs: ['a', 'b', 'c'] }, mapping).ranking).toBeNull();
    expect(parse({ q: 'q', outs: ['a', 'b', 'c'], rank: [2, 0, 1] }, { ...mapping, preference: 'rank' }).ranking).toEqual([2, 0, 1]);
    expect(parse({ q: 'q', outs: ['a', 'b', 'c'], best: 2 }, { ...mapping, preference: 'best' }).ranking).toEqual([1, 1, 0]);
  });

  it('accepts the preference spellings it documents', () => {
    const two = ['response_a', 'response_b'];
    expect(readPreference('right', 'winner', 2, two)).toEqual([1, 0]);
    expect(readPreference('A', 'winner', 2, two)).toEqual([0, 1]);
    expect(readPreference('model_b', 'winner', 2, two)).toEqual([1, 0]);
    expect(readPreference('first', 'winner', 2, null)).toEqual([0, 1]);
    expect(readPreference('Response_B', 'winner', 2, two)).toEqual([1, 0]);
    expect(readPreference('tie (bothbad)', 'winner', 2, two)).toEqual([0, 0]);
    expect(readPreference(1n, 'winner', 2, two)).toEqual([1, 0]);
    expect(readPreference(0, 'winner', 3, null)).toEqual([0, 1, 1]);
    expect(readPreference(new BigInt64Array([1n, 0n]), 'winner', 2, null)).toEqual([1, 0]);
    expect(readPreference(null, 'winner', 2, two)).toBeNull();
    expect(readPreference('', 'winner', 2, two)).toBeNull();
    expect(readPreference('bad', 'label', 2, ['good', 'bad'])).toEqual([1, 0]);
  });

  it('refuses other preference values, naming the column and the accepted spellings', () => {
    expect(reason(() => readPreference('1', 'winner', 2, null))).toBe(
      'mapped column "winner" (preference) has the text "1"; write the index as a number (0 = first response), or the column\'s name',
    );
    expect(reason(() => readPreference(2, 'winner', 2, null))).toBe(
      'mapped column "winner" (preference) is 2, not the index of one of the 2 responses; indexes start at 0 (0 = first response)',
    );
    expect(reason(() => readPreference(true, 'winner', 2, ['good', 'bad']))).toBe(
      'mapped column "winner" (preference) has the value true; use a response column\'s name (good, bad), left/right, a/b, first/second, model_a/model_b, tie, the index of the preferred response (0 = first), a list of 2 ranks (0 = best), or leave it empty for an unlabeled row',
    );
    expect(reason(() => readPreference('left', 'winner', 3, null))).toMatch(/^mapped column "winner" \(preference\) has "left"; use tie, /);
    expect(reason(() => readPreference([0, 1, 2], 'rank', 2, null))).toBe(
      'mapped column "rank" (preference) has 3 entries but there are 2 responses; give one rank per response',
    );
  });

  it('says which mapped column is missing or mistyped', () => {
    expect(reason(() => parse({ good: 'a', bad: 'b' }, QGB))).toBe('mapped column "question" (prompt) is missing in this row (the row has good, bad)');
    expect(reason(() => parse({ question: 'q', good: 'a' }, QGB))).toBe('mapped column "bad" (response 2) is missing in this row (the row has question, good)');
    expect(reason(() => parse({ question: 42, good: 'a', bad: 'b' }, QGB))).toBe('mapped column "question" (prompt) must be text or a list of messages, not a number');
    expect(reason(() => parse({ question: 'q', good: ['a', 'b'], bad: 'b' }, QGB))).toBe(
      'mapped column "good" must be the response text (or one assistant message), not a list',
    );
    expect(reason(() => parse({ question: 'q', good: 'a', bad: 'b', pic: 5 }, QGB))).toBe('field "pic" must be an image path (string) or {"bytes", "path"}');
    expect(reason(() => parse({ question: 'q', good: 'a', bad: 'b', key: { x: 1 } }, QGB))).toBe('mapped column "key" (id) must be text or a number, not an object');
    expect(reason(() => parse({ q: 'q', outs: 'a' }, { prompt: 'q', responseList: 'outs' }))).toBe(
      'mapped column "outs" (response list) must be a list of responses, not a string',
    );
    expect(reason(() => parse({ c: 'hi', a: 'x', b: 'y' }, { conversation: 'c', responses: ['a', 'b'] }))).toBe(
      'mapped column "c" (conversation) must be a list of messages, not a string; map a text column as the prompt instead',
    );
    expect(reason(() => parse({ q: 'q', a: { role: 'user', content: 'x' }, b: 'y' }, { prompt: 'q', responses: ['a', 'b'] }))).toBe(
      'mapped column "a" holds a user message; a response is the assistant\'s',
    );
    // The shared checks still apply.
    expect(reason(() => parse({ q: 'q', a: 'x', b: ' ' }, { prompt: 'q', responses: ['a', 'b'] }))).toBe('"b" response is empty; every response needs text');
  });

  it('refuses an incomplete or contradictory mapping before reading rows', () => {
    expect(mappingProblem(QGB)).toBeNull();
    expect(mappingProblem({ responses: ['a', 'b'] })).toMatch(/^the mapping has no prompt or conversation column/);
    expect(mappingProblem({ prompt: 'q' })).toMatch(/^the mapping has no responses/);
    expect(mappingProblem({ prompt: 'q', responses: ['a'] })).toMatch(/^only one response column \("a"\)/);
    expect(mappingProblem({ prompt: 'q', responses: ['a', 'b'], responseList: 'c' })).toMatch(/both response columns and a response list/);
    expect(mappingProblem({ prompt: 'q', responses: ['q', 'b'] })).toBe(
      'column "q" is mapped twice (as prompt and as response 1); each column can hold one part',
    );
    expect(reason(() => mappedReader.parse({ q: 'x' }, {}))).toMatch(/needs a column mapping/);
    expect(mappedColumns({ prompt: 'q', responses: ['a', 'b'], preference: 'w' })).toEqual(['q', 'a', 'b', 'w']);
  });
});

describe('importing through a mapping', () => {
  it('lands the rows, keeps unmapped columns as metadata and counts bad rows by reason', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'pics'));
    await writePng(join(dir, 'pics', 'red.png'), 16, 16, { r: 200, g: 0, b: 0 });
    const file = join(dir, 'odd.jsonl');
    writeJsonl(file, [
      { question: 'What colour is it?', good: 'Red.', bad: 'Blue.', pic: 'pics/red.png', source: 'team-a' },
      { question: 'Say hi', good: 'Hi!', bad: 'No.', winner: 'bad' },
      { question: 'Tie?', good: 'Same.', bad: 'Also same.', winner: 'tie' },
      { good: 'orphan', bad: 'row' },
      { question: 'Which?', good: 'x', bad: 'y', winner: 'maybe' },
    ]);
    const store = ProjectStore.create(join(tempDir(), 'p'), { name: 'mapped' });
    try {
      const report = await importDataset(store, file, { mapping: { prompt: 'question', responses: ['good', 'bad'], preference: 'winner', images: 'pic' } });
      expect(report).toMatchObject({ format: 'mapped', confidence: 1, rowsRead: 5, added: 3, errorCount: 2, imagesAdded: 1 });
      expect(report.errors.map((error) => error.message)).toEqual([
        'odd.jsonl:4: mapped column "question" (prompt) is missing in this row (the row has good, bad)',
        expect.stringMatching(/^odd\.jsonl:5: mapped column "winner" \(preference\) has "maybe"; use a response column's name \(good, bad\)/),
      ]);
      const items = store.listItems({}).items;
      expect(items.map((item) => item.query)).toEqual(['What colour is it?', 'Say hi', 'Tie?']);
      const first = store.getItem(items[0]!.id);
      // A preference column is mapped but empty in this row: unlabeled, not "best first".
      expect(first.resolvedRanking).toBeNull();
      expect(first.images).toHaveLength(1);
      expect(first.metadata).toEqual({ source: 'team-a' });
      expect(store.getItem(items[1]!.id).resolvedRanking).toEqual([1, 0]);
      expect(store.getItem(items[2]!.id).resolvedRanking).toEqual([0, 0]);

      // Importing the same file through the same mapping again adds nothing.
      const again = await importDataset(store, file, { mapping: { prompt: 'question', responses: ['good', 'bad'], preference: 'winner', images: 'pic' } });
      expect(again).toMatchObject({ added: 0, unchanged: 3, errorCount: 2 });
    } finally {
      store.close();
    }
  });

  it('imports a JSON array with a response list, unlabeled', async () => {
    const dir = tempDir();
    const file = join(dir, 'samples.json');
    writeFileSync(file, JSON.stringify([{ uid: 'u1', ask: 'Name a colour', outs: ['Red', 'Green', 'Blue'] }]));
    const store = ProjectStore.create(join(tempDir(), 'p'), { name: 'list' });
    try {
      const report = await importDataset(store, file, { mapping: { id: 'uid', prompt: 'ask', responseList: 'outs' } });
      expect(report).toMatchObject({ container: 'json', added: 1, labeled: 0, errorCount: 0 });
      const item = store.getItem('u1');
      expect(item.responses).toEqual(['Red', 'Green', 'Blue']);
      expect(item.resolvedRanking).toBeNull();
    } finally {
      store.close();
    }
  });
});
