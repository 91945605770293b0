import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportDataset } from '../../app/dataset/export-dataset';
import { importDataset } from '../../app/dataset/import-dataset';
import { ProjectStore } from '../../app/store/project-store';
import type { ItemDetail } from '../../app/store/types';
import { writeSeedFolder } from '../fixtures/seed-files';
import { readJsonl, tempDir, writeJsonl } from '../fixtures/temp-dirs';

function newProject(name = 'TRL'): ProjectStore {
  return ProjectStore.create(join(tempDir(), name), { name });
}

const user = (content: unknown) => ({ role: 'user', content });
const assistant = (content: unknown) => ({ role: 'assistant', content });
const system = (content: string) => ({ role: 'system', content });

/** Rows in every TRL shape we accept. */
function trlRows(): object[] {
  const pic = [{ type: 'image' }, { type: 'text', text: 'What colour is it?' }];
  return [
    // seed 003: implicit prompt, no id
    { chosen: [user('Hi'), assistant('Hello! How can I help?')], rejected: [user('Hi'), assistant('What.')] },
    // explicit prompt with an image
    { id: 'vision', prompt: [user(pic)], chosen: [assistant('Red.')], rejected: [assistant('Blue.')], images: ['images/red.png'] },
    // system prompt and two turns: kept verbatim
    {
      id: 'multi-turn',
      chosen: [system('Be brief.'), user('Name a fruit.'), assistant('Apple.'), user('Another?'), assistant('Pear.')],
      rejected: [system('Be brief.'), user('Name a fruit.'), assistant('Apple.'), user('Another?'), assistant('I like fruit very much, for example...')],
    },
    // DPO strings
    { id: 'dpo', prompt: 'What is 2+2?', chosen: '4', rejected: '5' },
    // assistant content as parts
    { id: 'parts', chosen: [user('Say yes'), assistant([{ type: 'text', text: 'Yes.' }])], rejected: [user('Say yes'), assistant('No.')] },
  ];
}

function fields(item: ItemDetail): object {
  return {
    id: item.id,
    query: item.query,
    prompt: item.prompt,
    responses: item.responses,
    images: item.images.map((image) => image.sha256),
    ranking: item.resolvedRanking,
  };
}

describe('TRL import', () => {
  it('turns each shape into an item with [chosen, rejected] ranked [0, 1]', async () => {
    const dir = tempDir();
    await writeSeedFolder(dir, []);
    writeJsonl(join(dir, 'prefs.jsonl'), trlRows());
    const store = newProject();
    const report = await importDataset(store, join(dir, 'prefs.jsonl'));
    expect(report).toMatchObject({ format: 'trl', added: 5, labeled: 5, errorCount: 0 });
    const ids = store.listItems({}).items.map((item) => item.id);
    expect(ids[0]).toMatch(/^trl-[0-9a-f]{12}$/);
    expect(ids.slice(1)).toEqual(['vision', 'multi-turn', 'dpo', 'parts']);
    expect(store.getItem(ids[0] ?? '')).toMatchObject({ query: 'Hi', prompt: null, responses: ['Hello! How can I help?', 'What.'], resolvedRanking: [0, 1] });
    expect(store.getItem('vision')).toMatchObject({ query: 'What colour is it?', prompt: null, responses: ['Red.', 'Blue.'] });
    expect(store.getItem('vision').images).toHaveLength(1);
    expect(store.getItem('multi-turn')).toMatchObject({
      query: 'Another?',
      prompt: [system('Be brief.'), user('Name a fruit.'), assistant('Apple.'), user('Another?')],
      responses: ['Pear.', 'I like fruit very much, for example...'],
    });
    expect(store.getItem('dpo')).toMatchObject({ query: 'What is 2+2?', prompt: null, responses: ['4', '5'] });
    expect(store.getItem('parts').responses).toEqual(['Yes.', 'No.']);
    // Ids made from content are found again: re-import changes nothing.
    expect(await importDataset(store, join(dir, 'prefs.jsonl'))).toMatchObject({ added: 0, unchanged: 5 });
    store.close();
  });

  it('reports bad TRL rows with what to fix', async () => {
    const dir = tempDir();
    await writeSeedFolder(dir, []);
    writeJsonl(join(dir, 'bad.jsonl'), [
      { chosen: [user('a'), assistant('b')], rejected: [user('a'), assistant('c')] },
      { chosen: [user('a'), assistant('b')] },
      { prompt: ['not', 'messages'], chosen: 'b', rejected: 'c' },
      { chosen: 'b', rejected: 'c' },
      { chosen: [user('a'), assistant('b'), assistant('more')], rejected: [user('a'), assistant('c')] },
      { prompt: [user([{ type: 'image' }, { type: 'image' }, { type: 'text', text: 'q' }])], chosen: [assistant('b')], rejected: [assistant('c')], images: ['images/red.png'] },
      { chosen: [user('a'), assistant('same')], rejected: [user('a'), assistant('same')] },
      { chosen: [user([{ type: 'audio' }]), assistant('b')], rejected: [user([{ type: 'audio' }]), assistant('c')] },
      { chosen: [assistant('b')], rejected: [assistant('c')] },
      { id: 'img', prompt: [user([{ type: 'image' }, { type: 'text', text: 'q' }])], chosen: [assistant('b')], rejected: [assistant('c')], images: ['../escape.png'] },
      { chosen: [user('a'), assistant('  ')], rejected: [user('a'), assistant('c')] },
    ]);
    const store = newProject();
    const report = await importDataset(store, join(dir, 'bad.jsonl'));
    expect(report.errors.map((error) => error.message)).toEqual([
      'bad.jsonl:2: missing field "rejected"; give the worse response',
      'bad.jsonl:3: plain-text "chosen"/"rejected" need a "prompt" string (DPO format: prompt, chosen, rejected)',
      'bad.jsonl:4: plain-text "chosen"/"rejected" need a "prompt" string (DPO format: prompt, chosen, rejected)',
      'bad.jsonl:5: "chosen" must end with exactly one assistant message after the prompt (found assistant, assistant); multi-turn completions are not supported',
      'bad.jsonl:6: the prompt has 2 image parts but "images" lists 1 path; give one path per {"type": "image"} part',
      'bad.jsonl:7: "chosen" and "rejected" are the same text, so there is no preference; drop the row or fix one side',
      'bad.jsonl:8: chosen[0].content[0] is a part "audio"; only {"type": "text", "text": ...} and {"type": "image"} are supported',
      'bad.jsonl:9: no user message before the responses; "chosen" and "rejected" must start with the same user prompt (or give "prompt")',
      `bad.jsonl:10: image path "../escape.png" escapes the data folder ${dir}; move the image into that folder (or a subfolder) and fix the path`,
      'bad.jsonl:11: "chosen" response is empty; every response needs text',
    ]);
    expect(report).toMatchObject({ added: 1, errorCount: 10 });
    store.close();
  });

  it('round-trips through TRL export: the same items, and the same file again', async () => {
    const dir = tempDir();
    await writeSeedFolder(dir, []);
    writeJsonl(join(dir, 'prefs.jsonl'), trlRows());
    const first = newProject('first');
    await importDataset(first, join(dir, 'prefs.jsonl'));
    const out = join(tempDir(), 'trl', 'export.jsonl');
    const exported = await exportDataset(first, { format: 'trl', split: 'all', out, images: 'copy' });
    expect(exported).toMatchObject({ rows: 5, items: 5, skippedTies: 0 });
    const lines = readJsonl(out);
    expect(lines.find((line) => line.id === 'multi-turn')).toEqual({
      id: 'multi-turn',
      chosen: [system('Be brief.'), user('Name a fruit.'), assistant('Apple.'), user('Another?'), assistant('Pear.')],
      rejected: [system('Be brief.'), user('Name a fruit.'), assistant('Apple.'), user('Another?'), assistant('I like fruit very much, for example...')],
    });
    expect(lines.find((line) => line.id === 'vision')).toMatchObject({
      chosen: [user([{ type: 'image' }, { type: 'text', text: 'What colour is it?' }]), assistant('Red.')],
      images: [expect.stringMatching(/^images\/[0-9a-f]{64}\.png$/)],
    });
    const second = newProject('second');
    expect(await importDataset(second, out)).toMatchObject({ added: 5, errorCount: 0 });
    const all = (store: ProjectStore) => store.listItems({}).items.map((item) => fields(store.getItem(item.id)));
    expect(all(second)).toEqual(all(first));
    const again = join(tempDir(), 'trl2', 'export.jsonl');
    await exportDataset(second, { format: 'trl', split: 'all', out: again, images: 'copy' });
    expect(readJsonl(again)).toEqual(lines);
    first.close();
    second.close();
  });

  it('exports a seed item as TRL and imports it back with the pair ids', async () => {
    const store = newProject('seed');
    await importDataset(store, await writeSeedFolder(tempDir()));
    const out = join(tempDir(), 'pairs.jsonl');
    await exportDataset(store, { format: 'trl', split: 'all', out, images: 'copy' });
    const copy = newProject('copy');
    const report = await importDataset(copy, out);
    expect(report).toMatchObject({ added: 8, errorCount: 0 });
    expect(fields(copy.getItem('text-only#0-2'))).toEqual({
      id: 'text-only#0-2',
      query: 'Say hello politely.',
      prompt: null,
      responses: ['Hello, nice to meet you.', 'Go away.'],
      images: [],
      ranking: [0, 1],
    });
    expect(copy.getItem('two-images').images.map((image) => image.sha256)).toEqual(store.getItem('two-images').images.map((image) => image.sha256));
    store.close();
    copy.close();
  });
});
