/**
 * Unpaired (KTO) rows: each shape the reader takes, and the grouping after the file is read —
 * rows with an identical prompt become one item ranking every desirable completion above every
 * undesirable one; a prompt with one kind of completion is imported unlabeled and counted.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectReader } from '../../app/dataset/detect-format';
import type { UnpairedRow } from '../../app/dataset/formats/format-reader';
import { resolveDatasetInfoEntry } from '../../app/dataset/formats/llama-factory-dataset-info';
import { parseUnpairedRow } from '../../app/dataset/formats/unpaired';
import { importDataset } from '../../app/dataset/import-dataset';
import { RowError } from '../../app/dataset/parsed-row';
import { UnpairedGroups } from '../../app/dataset/unpaired-groups';
import { ProjectStore } from '../../app/store/project-store';
import { writePng } from '../fixtures/images';
import { tempDir, writeJsonl } from '../fixtures/temp-dirs';

const user = (content: unknown) => ({ role: 'user', content });
const assistant = (content: unknown) => ({ role: 'assistant', content });
const system = (content: string) => ({ role: 'system', content });

function newProject(name = 'kto'): ProjectStore {
  return ProjectStore.create(join(tempDir(), name), { name });
}

function itemByQuery(store: ProjectStore, query: string) {
  const summary = store.listItems({ limit: 1000 }).items.find((item) => item.query === query);
  if (summary === undefined) throw new Error(`no item "${query}"`);
  return store.getItem(summary.id);
}

function reason(row: Record<string, unknown>, context = {}): string {
  try {
    parseUnpairedRow(row, context);
  } catch (error) {
    if (error instanceof RowError) return error.reason;
    throw error;
  }
  return 'no error';
}

const kto = (prompt: string, completion: string, desirable: boolean): UnpairedRow => ({
  kind: 'unpaired',
  prompt: [{ role: 'user', content: prompt }],
  images: [],
  completion,
  desirable,
  tools: null,
});

describe('UnpairedGroups', () => {
  it('ranks desirable above undesirable, ties equals, keeps first-seen order and drops repeats', () => {
    const groups = new UnpairedGroups();
    groups.add(kto('Capital of France?', 'Paris.', true), 1);
    groups.add(kto('Capital of France?', 'Lyon.', false), 2);
    groups.add(kto('Capital of France?', 'It is Paris.', true), 3);
    groups.add(kto('Capital of France?', 'Paris.', true), 4);
    groups.add(kto('Capital of France?', 'Marseille.', false), 5);
    const items = [...groups.items()];
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      line: 1,
      parsed: { query: 'Capital of France?', responses: ['Paris.', 'Lyon.', 'It is Paris.', 'Marseille.'], ranking: [0, 1, 0, 1] },
    });
    expect(items[0]?.parsed?.id).toMatch(/^kto-[0-9a-f]{12}$/);
    expect(groups.counts).toEqual({ rows: 5, items: 1, oneKind: 0, groups: 1 });
  });

  it('leaves one-kind prompts unlabeled, and reports single completions and contradicting labels', () => {
    const groups = new UnpairedGroups();
    groups.add(kto('2+2?', '4', true), 1);
    groups.add(kto('Grass?', 'Green.', false), 2);
    groups.add(kto('2+2?', 'four', true), 3);
    groups.add(kto('Pet?', 'Cat.', true), 4);
    groups.add(kto('Sky?', 'Grey.', false), 5);
    groups.add(kto('Pet?', 'Cat.', false), 6);
    groups.add(kto('Sky?', 'Black.', false), 7);
    groups.add(kto('Pet?', 'Dog.', true), 8);
    const items = [...groups.items()];
    expect(items.map((item) => [item.line, item.parsed === undefined ? item.error : item.parsed.ranking])).toEqual([
      [1, null],
      [2, 'unpaired row: its prompt has only one completion in the file, so there is nothing to compare it with'],
      [4, 'the same completion is labeled both desirable and undesirable (lines 4 and 6); keep one label'],
      [5, null],
    ]);
    expect(items[0]?.parsed?.responses).toEqual(['4', 'four']);
    expect(groups.counts).toEqual({ rows: 8, items: 2, oneKind: 2, groups: 4 });
  });

  it('groups by the whole prompt: system message, earlier turns, images and tools', () => {
    const groups = new UnpairedGroups();
    const base = kto('Describe it.', 'A red square.', true);
    groups.add(base, 1);
    groups.add({ ...base, completion: 'Nothing.', desirable: false }, 2);
    groups.add({ ...base, prompt: [{ role: 'system', content: 'Be terse.' }, ...base.prompt], completion: 'Red.' }, 3);
    groups.add({ ...base, images: [{ kind: 'path', path: 'a.png' }], completion: 'Red.' }, 4);
    groups.add({ ...base, images: [{ kind: 'path', path: 'b.png' }], completion: 'Blue.' }, 5);
    groups.add({ ...base, tools: [{ name: 'zoom' }], completion: 'Zoomed.' }, 6);
    expect([...groups.items()].map((item) => item.line)).toEqual([1, 3, 4, 5, 6]);
    expect(groups.counts.items).toBe(1);
  });
});

describe('unpaired reader', () => {
  it('reads TRL standard and conversational rows and LLaMA-Factory / ms-swift messages + label', () => {
    expect(parseUnpairedRow({ prompt: 'The sky is', completion: ' blue.', label: true })).toEqual({
      kind: 'unpaired',
      prompt: [user('The sky is')],
      images: [],
      completion: ' blue.',
      desirable: true,
      tools: null,
    });
    expect(parseUnpairedRow({ prompt: [system('Be kind.'), user('Hi!')], completion: [assistant('Hello there.')], label: false })).toMatchObject({
      prompt: [system('Be kind.'), user('Hi!')],
      completion: 'Hello there.',
      desirable: false,
    });
    expect(
      parseUnpairedRow({ messages: [user('1+1?'), assistant('2'), user('And 2+2?'), assistant('4')], label: 'TRUE', tools: '[{"name": "calc"}]' }),
    ).toMatchObject({ prompt: [user('1+1?'), assistant('2'), user('And 2+2?')], completion: '4', desirable: true, tools: [{ name: 'calc' }] });
    expect(parseUnpairedRow({ conversations: [{ from: 'human', value: 'Hey' }, { from: 'gpt', value: 'Hi' }], label: 0 })).toMatchObject({
      prompt: [user('Hey')],
      completion: 'Hi',
      desirable: false,
    });
    // <image> placeholders become image parts, one per listed image.
    expect(parseUnpairedRow({ messages: [user('<image>What is it?'), assistant('A cat.')], images: ['cat.png'], label: true })).toMatchObject({
      prompt: [user([{ type: 'image' }, { type: 'text', text: 'What is it?' }])],
      images: [{ kind: 'path', path: 'cat.png' }],
    });
  });

  it('says what is wrong with rows it cannot use', () => {
    expect(reason({ prompt: 'a', completion: 'b' })).toBe('missing field "label"; give true (a desirable completion) or false (an undesirable one)');
    expect(reason({ prompt: 'a', completion: 'b', label: 'maybe' })).toBe('field "label" must be true (desirable) or false (undesirable), not other text');
    expect(reason({ messages: [user('a'), assistant('b'), user('c')], label: true })).toBe(
      '"messages" must end with the assistant\'s completion being judged (found a user message last)',
    );
    expect(reason({ prompt: 'a', completion: '   ', label: true })).toBe('the completion is empty; every completion needs text');
    expect(reason({ prompt: 'a', answer: 'b', label: true })).toBe(
      'the row has neither "completion" nor "messages"; an unpaired row is prompt + completion + label, or messages + label',
    );
    expect(reason({ prompt: 'a', completion: [assistant('b'), assistant('c')], label: true })).toMatch(/^"completion" must end with exactly one assistant message/);
    expect(reason({ messages: [user('a'), { role: 'narrator', content: 'x' }, assistant('b')], label: true })).toMatch(/^messages\[1\] has the role "narrator"/);
  });

  it('is detected for TRL unpaired rows and for messages + label, and not for preference rows', () => {
    expect(detectReader('x', [{ prompt: 'The sky is', completion: ' blue.', label: true }]).reader.name).toBe('unpaired');
    expect(detectReader('x', [{ prompt: [user('Q')], completion: [assistant('A')], label: false }]).reader.name).toBe('unpaired');
    expect(detectReader('x', [{ messages: [user('Q'), assistant('A')], label: true }]).reader.name).toBe('unpaired');
    expect(detectReader('x', [{ prompt: 'Q', chosen: 'A', rejected: 'B' }]).reader.name).toBe('trl');
  });
});

describe('unpaired import', () => {
  it('imports grouped items, counts them in the report, and finds them again', async () => {
    const dir = tempDir();
    const file = join(dir, 'kto.jsonl');
    writeJsonl(file, [
      { prompt: 'Capital of France?', completion: 'Paris.', label: true },
      { prompt: '2+2?', completion: '4', label: true },
      { prompt: 'Capital of France?', completion: 'Lyon.', label: false },
      { prompt: 'Grass?', completion: 'Green.', label: false },
      { prompt: '2+2?', completion: 'four', label: true },
      { prompt: 'Capital of France?', completion: 'It is Paris.', label: true },
      { prompt: 'Capital of France?', completion: 'Paris.', label: true },
      { prompt: 'Pet?', completion: 'Cat.', label: true },
      { prompt: 'Pet?', completion: 'Cat.', label: false },
      { prompt: 'Bad?', completion: 'x', label: 'sometimes' },
    ]);
    const store = newProject();
    const report = await importDataset(store, file);
    expect(report).toMatchObject({
      format: 'unpaired',
      rowsRead: 10,
      added: 2,
      labeled: 1,
      unpaired: { rows: 9, items: 2, oneKind: 1 },
      errorCount: 3,
    });
    expect(report.errors.map((error) => error.message)).toEqual([
      'kto.jsonl:10: field "label" must be true (desirable) or false (undesirable), not other text',
      'kto.jsonl:4: unpaired row: its prompt has only one completion in the file, so there is nothing to compare it with',
      'kto.jsonl:8: the same completion is labeled both desirable and undesirable (lines 8 and 9); keep one label',
    ]);
    expect(itemByQuery(store, 'Capital of France?')).toMatchObject({
      prompt: null,
      responses: ['Paris.', 'Lyon.', 'It is Paris.'],
      resolvedRanking: [0, 1, 0],
      judgments: [{ annotator: 'import', ranking: [0, 1, 0] }],
    });
    expect(itemByQuery(store, '2+2?')).toMatchObject({ responses: ['4', 'four'], resolvedRanking: null, judgments: [] });
    expect(await importDataset(store, file)).toMatchObject({ added: 0, unchanged: 2, labeled: 0, errorCount: 3 });
    store.close();
  });

  it('keeps a conversation prompt (system, earlier turns) and reads a JSON array of messages + label', async () => {
    const dir = tempDir();
    const file = join(dir, 'kto.json');
    const history = [system('You answer in one word.'), user('Colour of snow?'), assistant('White.'), user('Colour of coal?')];
    writeFileSync(
      file,
      JSON.stringify([
        { messages: [...history, assistant('Black.')], label: true },
        { messages: [...history, assistant('Coal is usually a very dark colour, black.')], label: false },
        { messages: [...history, assistant('Dark.')], label: true },
      ]),
    );
    const store = newProject();
    expect(await importDataset(store, file)).toMatchObject({ format: 'unpaired', container: 'json', added: 1, unpaired: { rows: 3, items: 1, oneKind: 0 } });
    expect(itemByQuery(store, 'Colour of coal?')).toMatchObject({
      prompt: history,
      responses: ['Black.', 'Coal is usually a very dark colour, black.', 'Dark.'],
      resolvedRanking: [0, 1, 0],
    });
    store.close();
  });

  it('honours a dataset_info.json entry: kto_tag, messages column, tags and system column', async () => {
    const dir = tempDir();
    writeJsonl(join(dir, 'judged.jsonl'), [
      { dialog: [{ speaker: 'person', text: 'Say hi.' }, { speaker: 'helper', text: 'Hi!' }], good: true, sys: 'Be warm.' },
      { dialog: [{ speaker: 'person', text: 'Say hi.' }, { speaker: 'helper', text: 'What do you want.' }], good: false, sys: 'Be warm.' },
      { dialog: [{ speaker: 'person', text: 'Say hi.' }, { speaker: 'helper', text: 'Hello.' }], good: false },
    ]);
    writeFileSync(
      join(dir, 'dataset_info.json'),
      JSON.stringify({
        my_kto: {
          file_name: 'judged.jsonl',
          formatting: 'sharegpt',
          columns: { messages: 'dialog', kto_tag: 'good', system: 'sys' },
          tags: { role_tag: 'speaker', content_tag: 'text', user_tag: 'person', assistant_tag: 'helper' },
        },
        my_alpaca_kto: { file_name: 'alpaca.json', columns: { prompt: 'q', response: 'a', kto_tag: 'ok' } },
      }),
    );
    writeFileSync(
      join(dir, 'alpaca.json'),
      JSON.stringify([
        { q: 'Translate "chat".', a: 'Cat.', ok: true },
        { q: 'Translate "chat".', a: 'Dog.', ok: false },
      ]),
    );
    expect(await resolveDatasetInfoEntry(join(dir, 'dataset_info.json'), 'my_kto')).toMatchObject({ format: 'unpaired' });
    const store = newProject();
    const report = await importDataset(store, join(dir, 'dataset_info.json'), { dataset: 'my_kto' });
    expect(report).toMatchObject({ format: 'unpaired', dataset: 'my_kto', added: 1, errorCount: 1, unpaired: { rows: 3, items: 1 } });
    // The row without the system prompt is another prompt, alone in the file.
    expect(report.errors[0]).toMatchObject({ line: 3 });
    const item = itemByQuery(store, 'Say hi.');
    expect(item).toMatchObject({ prompt: [system('Be warm.'), user('Say hi.')], responses: ['Hi!', 'What do you want.'], resolvedRanking: [0, 1] });
    // Columns named in the entry are consumed: nothing is left over as metadata.
    expect(item.metadata).toBeNull();
    expect(await importDataset(store, join(dir, 'dataset_info.json'), { dataset: 'my_alpaca_kto' })).toMatchObject({ format: 'unpaired', added: 1 });
    expect(itemByQuery(store, 'Translate "chat".')).toMatchObject({ responses: ['Cat.', 'Dog.'], resolvedRanking: [0, 1] });
    store.close();
  });

  it('groups rows with images by the image and stores it once', async () => {
    const dir = tempDir();
    await writePng(join(dir, 'red.png'), 12, 12, { r: 220, g: 20, b: 20 });
    await writePng(join(dir, 'blue.png'), 12, 12, { r: 20, g: 20, b: 220 });
    writeJsonl(join(dir, 'kto.jsonl'), [
      { messages: [user('<image>Colour?'), assistant('Red.')], images: ['red.png'], label: true },
      { messages: [user('<image>Colour?'), assistant('Blue.')], images: ['red.png'], label: false },
      { messages: [user('<image>Colour?'), assistant('Blue.')], images: ['blue.png'], label: true },
      { messages: [user('<image>Colour?'), assistant('Red.')], images: ['blue.png'], label: false },
    ]);
    const store = newProject();
    const report = await importDataset(store, join(dir, 'kto.jsonl'));
    expect(report).toMatchObject({ added: 2, imagesAdded: 2, unpaired: { rows: 4, items: 2, oneKind: 0 }, errorCount: 0 });
    const items = store.listItems({}).items.map((summary) => store.getItem(summary.id));
    expect(items.map((item) => [item.responses, item.resolvedRanking, item.images.length])).toEqual([
      [['Red.', 'Blue.'], [0, 1], 1],
      [['Blue.', 'Red.'], [0, 1], 1],
    ]);
    store.close();
  });
});
