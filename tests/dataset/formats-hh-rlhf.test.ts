/**
 * Anthropic HH-RLHF transcripts: detection over TRL, the shared prefix as the conversation, and
 * the quirks the real file has (a space after each marker, an empty last turn, a doubled marker).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { detectReader, rankReaders } from '../../app/dataset/detect-format';
import { parseHhRow, readTranscript } from '../../app/dataset/formats/hh-rlhf';
import { importDataset } from '../../app/dataset/import-dataset';
import { RowError } from '../../app/dataset/parsed-row';
import { ProjectStore } from '../../app/store/project-store';
import { tempDir } from '../fixtures/temp-dirs';

const H = (text: string) => `\n\nHuman: ${text}`;
const A = (text: string) => `\n\nAssistant: ${text}`;

/** Rows in HH's shape, written for these tests. */
const multiTurn = {
  chosen: H('Which bird sings at dawn?') + A('Many do; the blackbird is a well-known one.') + H('And at night?') + A('The nightingale sings after dark.'),
  rejected: H('Which bird sings at dawn?') + A('Many do; the blackbird is a well-known one.') + H('And at night?') + A('Owls, probably. Birds are loud.'),
};
const singleTurn = { chosen: H('Name a prime number.') + A('Seven.'), rejected: H('Name a prime number.') + A('Nine.') };

function reason(row: Record<string, unknown>): string {
  try {
    parseHhRow(row);
  } catch (error) {
    if (error instanceof RowError) return error.reason;
    throw error;
  }
  return 'no error';
}

describe('hh-rlhf reader', () => {
  it('takes the shared turns as the conversation and the differing last turns as [chosen, rejected]', () => {
    const item = parseHhRow(multiTurn);
    expect(item).toMatchObject({
      query: 'And at night?',
      prompt: [
        { role: 'user', content: 'Which bird sings at dawn?' },
        { role: 'assistant', content: 'Many do; the blackbird is a well-known one.' },
        { role: 'user', content: 'And at night?' },
      ],
      responses: ['The nightingale sings after dark.', 'Owls, probably. Birds are loud.'],
      ranking: [0, 1],
    });
    expect(item.id).toMatch(/^hh-[0-9a-f]{12}$/);
    // One user turn is the simple prompt: stored as the query alone.
    expect(parseHhRow(singleTurn)).toMatchObject({ query: 'Name a prime number.', prompt: null, responses: ['Seven.', 'Nine.'] });
    expect(parseHhRow({ ...singleTurn, id: 17 }).id).toBe('17');
  });

  it('reads a split-off prompt (prompt ending in "Assistant:", continuations) as the same item', () => {
    const prompt = H('Name a prime number.') + '\n\nAssistant:';
    expect(parseHhRow({ prompt, chosen: ' Seven.', rejected: ' Nine.' })).toEqual(parseHhRow(singleTurn));
    // A prompt repeated at the start of the full transcripts is not doubled.
    expect(parseHhRow({ prompt, ...singleTurn })).toEqual(parseHhRow(singleTurn));
  });

  it('trims the marker space and extra whitespace, and joins a speaker marked twice in a row', () => {
    expect(readTranscript('\n\nHuman:   spaced out  \n\nAssistant:\tfine\n', 'chosen')).toEqual([
      { role: 'user', content: 'spaced out' },
      { role: 'assistant', content: 'fine' },
    ]);
    // Real HH rows write "\n\nAssistant:" twice in one answer; the other side has one turn there.
    const doubled = parseHhRow({
      chosen: H('Tell me a fact.') + A('Honey never spoils.') + A('Jars from tombs were still edible.'),
      rejected: H('Tell me a fact.') + A('No.'),
    });
    expect(doubled.responses).toEqual(['Honey never spoils.\n\nJars from tombs were still edible.', 'No.']);
    // A transcript may start with "Human:" and no blank line.
    expect(readTranscript('Human: hi\n\nAssistant: hello', 'chosen')).toHaveLength(2);
  });

  it('says what is wrong with the rows it cannot use', () => {
    expect(reason({ chosen: H('Same?') + A('Same.'), rejected: H('Same?') + A('  Same.') })).toBe(
      '"chosen" and "rejected" are the same text, so there is no preference; drop the row or fix one side',
    );
    expect(reason({ chosen: H('Hello?') + '\n\nAssistant:', rejected: H('Hello?') + A('Hi.') })).toBe('"chosen" response is empty; every response needs text');
    expect(reason({ chosen: H('a') + A('b') + H('c'), rejected: H('a') + A('d') + H('c') })).toBe(
      '"chosen" ends with a Human turn; the last turn must be the Assistant\'s response',
    );
    expect(reason({ chosen: 'Intro. ' + H('a') + A('b'), rejected: H('a') + A('c') })).toBe(
      '"chosen" has text before its first "Human:" turn; a transcript starts with "\\n\\nHuman:"',
    );
    expect(reason({ chosen: 'just text', rejected: H('a') + A('c') })).toBe(
      '"chosen" has no "\\n\\nHuman:" / "\\n\\nAssistant:" turns; HH-RLHF rows are whole transcripts',
    );
    expect(reason({ chosen: A('b'), rejected: A('c') })).toBe(
      'no user message before the responses; the conversation must contain at least one user turn',
    );
    expect(reason({ chosen: H('a') + A('b') })).toMatch(/^missing field "rejected"/);
  });

  it('fits HH rows better than TRL does, and leaves plain DPO strings to TRL', () => {
    const ranked = rankReaders([multiTurn, singleTurn]);
    expect(ranked[0]).toMatchObject({ name: 'hh-rlhf', confidence: 1 });
    expect(ranked.find((candidate) => candidate.name === 'trl')?.confidence).toBeLessThan(1);
    // Even with a prompt column (which lifts TRL's fit to 1), HH wins the tie by registry order.
    expect(detectReader('x.jsonl', [{ prompt: H('q') + '\n\nAssistant:', chosen: ' a', rejected: ' b' }]).reader.name).toBe('hh-rlhf');
    expect(detectReader('x.jsonl', [{ prompt: 'What is 2+2?', chosen: '4', rejected: '5' }]).reader.name).toBe('trl');
  });

  it('imports a gzipped HH file by detection, counts duplicates and rejects, and finds the items again', async () => {
    const dir = tempDir();
    const rows = [multiTurn, singleTurn, multiTurn, { chosen: H('Hello?') + '\n\nAssistant:', rejected: H('Hello?') + A('Hi.') }];
    const file = join(dir, 'test.jsonl.gz');
    writeFileSync(file, gzipSync(rows.map((row) => JSON.stringify(row)).join('\n') + '\n'));
    const store = ProjectStore.create(join(tempDir(), 'hh'), { name: 'hh' });
    const report = await importDataset(store, file);
    expect(report).toMatchObject({
      format: 'hh-rlhf',
      compression: 'gzip',
      container: 'jsonl',
      rowsRead: 4,
      added: 2,
      unchanged: 1,
      duplicates: 1,
      labeled: 2,
      errorCount: 1,
      errors: [{ line: 4, reason: '"chosen" response is empty; every response needs text' }],
    });
    const ids = store.listItems({}).items.map((item) => item.id);
    expect(store.getItem(ids[0] ?? '')).toMatchObject({ query: 'And at night?', resolvedRanking: [0, 1] });
    expect(await importDataset(store, file)).toMatchObject({ added: 0, unchanged: 3, errorCount: 1 });
    expect(await importDataset(store, file, { format: 'hh-rlhf' })).toMatchObject({ format: 'hh-rlhf', confidence: 1, added: 0 });
    store.close();
  });
});
