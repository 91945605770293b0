import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { detectReader, rankReaders } from '../../app/dataset/detect-format';
import { importDataset } from '../../app/dataset/import-dataset';
import { sha256Hex } from '../../app/media/media-store';
import { ProjectStore } from '../../app/store/project-store';
import { pngBytes } from '../fixtures/images';
import { writeSeedFolder } from '../fixtures/seed-files';
import { tempDir, writeJsonl } from '../fixtures/temp-dirs';

function newProject(): ProjectStore {
  return ProjectStore.create(join(tempDir(), 'project'), { name: 'Vision' });
}

const image = { type: 'image' };
const text = (value: string) => ({ type: 'text', text: value });
const msg = (role: string, content: unknown) => ({ role, content });
const human = (value: string) => ({ from: 'human', value });
const gpt = (value: string) => ({ from: 'gpt', value });

/** A POVID-style row: the same question, a faithful and a hallucinated description. */
function povidRow(): Record<string, unknown> {
  return {
    id: 'square_0001',
    image: './images/red.png',
    conversations: [human('<image>\nDescribe this picture in detail.'), gpt('A plain red rectangle, wider than it is tall, with nothing else in it.')],
    rejected_conversations: [human('<image>\nDescribe this picture in detail.'), gpt('A red rectangle with a small dog sitting in its lower corner.')],
  };
}

/** RLAIF-V's Parquet layout: `image` an HF-datasets struct {bytes, path}, `idx` INT64. */
function writeRlaifVParquet(
  path: string,
  rows: { image: { bytes: Uint8Array; path: string | null }; question: string; chosen: string; rejected: string; origin_dataset: string; idx: number }[],
): void {
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'ds_name', data: rows.map(() => 'RLAIF-V') },
      { name: 'image', data: rows.map((row) => row.image) },
      { name: 'question', data: rows.map((row) => row.question) },
      { name: 'chosen', data: rows.map((row) => row.chosen) },
      { name: 'rejected', data: rows.map((row) => row.rejected) },
      { name: 'origin_dataset', data: rows.map((row) => row.origin_dataset) },
      { name: 'idx', data: rows.map((row) => BigInt(row.idx)) },
    ],
    schema: [
      { name: 'root', num_children: 7 },
      { name: 'ds_name', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'image', repetition_type: 'OPTIONAL', num_children: 2 },
      { name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
      { name: 'path', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'question', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'chosen', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'rejected', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'origin_dataset', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'idx', type: 'INT64', repetition_type: 'OPTIONAL' },
    ] as never,
  });
  writeFileSync(path, new Uint8Array(buffer));
}

describe('LLaVA / POVID import', () => {
  it('reads a file holding one pretty-printed row object: the shared question is the prompt, the image goes where <image> stood', async () => {
    const dir = tempDir();
    await writeSeedFolder(dir, []);
    const file = join(dir, 'preference_element.json');
    writeFileSync(file, JSON.stringify(povidRow(), null, 4));
    const store = newProject();
    const report = await importDataset(store, file);
    expect(report).toMatchObject({ format: 'llava', rowsRead: 1, added: 1, labeled: 1, errorCount: 0 });
    const item = store.getItem('square_0001');
    expect(item).toMatchObject({
      query: 'Describe this picture in detail.',
      prompt: null,
      responses: ['A plain red rectangle, wider than it is tall, with nothing else in it.', 'A red rectangle with a small dog sitting in its lower corner.'],
      resolvedRanking: [0, 1],
      metadata: null,
    });
    expect(item.images.map((stored) => [stored.width, stored.height])).toEqual([[32, 24]]);
    store.close();
  });

  it('reads JSON Lines with several turns; bad rows are reported', async () => {
    const dir = tempDir();
    await writeSeedFolder(dir, []);
    const turns = [human('<image>\nWhat colour is it?'), gpt('Blue.'), human('And its shape?')];
    writeJsonl(join(dir, 'llava.jsonl'), [
      { id: 'turns', image: 'images/blue.png', conversations: [...turns, gpt('A tall rectangle.')], rejected_conversations: [...turns, gpt('A circle.')], source: 'pilot' },
      { id: 'no-image', conversations: [human('Say hi.'), gpt('Hi!')], rejected_conversations: [human('Say hi.'), gpt('Go away.')] },
      { id: 'differs', image: 'images/red.png', conversations: [human('<image>\nA?'), gpt('a')], rejected_conversations: [human('<image>\nB?'), gpt('b')] },
      { id: 'two-tokens', image: 'images/red.png', conversations: [human('<image><image>\nA?'), gpt('a')], rejected_conversations: [human('<image><image>\nA?'), gpt('b')] },
      { id: 'missing', image: 'images/red.png', conversations: [human('<image>\nA?'), gpt('a')] },
    ]);
    const store = newProject();
    const report = await importDataset(store, join(dir, 'llava.jsonl'));
    expect(report).toMatchObject({ format: 'llava', rowsRead: 5, added: 2 });
    expect(report.errors.map((error) => error.message)).toEqual([
      'llava.jsonl:3: "conversations" and "rejected_conversations" must start with the same question; they differ from the first message',
      'llava.jsonl:4: the conversation has 2 <image> placeholder(s) but the row lists 1 image(s); give one image per placeholder',
      'llava.jsonl:5: missing field "rejected_conversations"; LLaVA preference rows give the chosen and the rejected conversation',
    ]);
    expect(store.getItem('turns')).toMatchObject({
      query: 'And its shape?',
      prompt: [msg('user', [image, text('What colour is it?')]), msg('assistant', 'Blue.'), msg('user', 'And its shape?')],
      responses: ['A tall rectangle.', 'A circle.'],
      metadata: { source: 'pilot' },
    });
    expect(store.getItem('no-image')).toMatchObject({ query: 'Say hi.', prompt: null, responses: ['Hi!', 'Go away.'], images: [] });
    store.close();
  });
});

describe('RLAIF-V import', () => {
  it('reads Parquet with embedded image structs: the image before the question, origin_dataset and idx kept as metadata', async () => {
    const dir = tempDir();
    const red = await pngBytes(12, 8, { r: 210, g: 20, b: 20 });
    const blue = await pngBytes(9, 9, { r: 20, g: 20, b: 210 });
    const file = join(dir, 'rlaif.parquet');
    writeRlaifVParquet(file, [
      { image: { bytes: red, path: 'pic_0.png' }, question: 'What fills the picture?', chosen: 'Solid red.', rejected: 'Stripes of red and white.', origin_dataset: 'handmade', idx: 0 },
      { image: { bytes: blue, path: null }, question: 'Is the picture square?', chosen: 'Yes, 9 by 9.', rejected: 'No, it is wide.', origin_dataset: 'handmade', idx: 1 },
      { image: { bytes: new TextEncoder().encode('no picture here'), path: 'broken.png' }, question: 'Q?', chosen: 'a', rejected: 'b', origin_dataset: 'handmade', idx: 2 },
    ]);
    const store = newProject();
    const report = await importDataset(store, file);
    expect(report).toMatchObject({ format: 'rlaif-v', container: 'parquet', rowsRead: 3, added: 2, imagesAdded: 2 });
    expect(report.errors.map((error) => error.message)).toEqual([
      'rlaif.parquet:3: image "broken.png" (embedded) is not an image (its content is not JPEG, PNG, WebP, GIF or TIFF); replace it with a real image file; the extension alone does not make a file an image',
    ]);
    const [first, second] = store.listItems({ order: 'id' }).items.map((summary) => store.getItem(summary.id));
    expect(first).toMatchObject({
      id: expect.stringMatching(/^rlaifv-[0-9a-f]{12}$/),
      query: 'What fills the picture?',
      prompt: null,
      responses: ['Solid red.', 'Stripes of red and white.'],
      resolvedRanking: [0, 1],
      metadata: { ds_name: 'RLAIF-V', origin_dataset: 'handmade', idx: 0 },
    });
    expect(first?.images.map((stored) => stored.sha256)).toEqual([sha256Hex(red)]);
    expect(second).toMatchObject({ query: 'Is the picture square?', metadata: { idx: 1 } });
    expect(second?.images.map((stored) => stored.sha256)).toEqual([sha256Hex(blue)]);
    expect(await importDataset(store, file)).toMatchObject({ added: 0, unchanged: 2 });
    store.close();
  });

  it('reads JSON Lines with image paths and reports bad rows', async () => {
    const dir = tempDir();
    await writeSeedFolder(dir, []);
    writeJsonl(join(dir, 'rlaif.jsonl'), [
      { image: 'images/green.png', question: 'Which colour?', chosen: 'Green.', rejected: 'Grey.', origin_dataset: 'handmade', idx: 7 },
      { image: 'images/green.png', question: '  ', chosen: 'a', rejected: 'b' },
      { image: 'images/green.png', question: 'q', chosen: ['a'], rejected: 'b' },
      { image: 'images/none.png', question: 'q', chosen: 'a', rejected: 'b' },
    ]);
    const store = newProject();
    const report = await importDataset(store, join(dir, 'rlaif.jsonl'));
    expect(report).toMatchObject({ format: 'rlaif-v', added: 1 });
    expect(report.errors.map((error) => error.message)).toEqual([
      'rlaif.jsonl:2: field "question" is missing or empty; RLAIF-V rows need the question asked about the image',
      'rlaif.jsonl:3: field "chosen" must be the response text (a string)',
      `rlaif.jsonl:4: image not found at ${join(dir, 'images', 'none.png')}; check the path (relative paths are resolved from the data file's folder)`,
    ]);
    const item = store.getItem(store.listItems({}).items[0]?.id ?? '');
    expect(item).toMatchObject({ query: 'Which colour?', prompt: null, responses: ['Green.', 'Grey.'], metadata: { origin_dataset: 'handmade', idx: 7 } });
    expect(item.images).toHaveLength(1);
    store.close();
  });
});

describe('detection across these formats', () => {
  it('picks the right reader for one row of each shape', () => {
    const rows: Record<string, Record<string, unknown>> = {
      seed: { id: 'a', query: 'q', image: 'x.png', response: ['a', 'b'], human_ranking: [0, 1] },
      trl: { prompt: [msg('user', 'q')], chosen: [msg('assistant', 'a')], rejected: [msg('assistant', 'b')] },
      'llamafactory-alpaca': { instruction: 'Translate.', input: 'Hello', chosen: 'Bonjour', rejected: 'Salut toi', system: 'You translate.' },
      'llamafactory-sharegpt': { conversations: [human('q')], chosen: gpt('a'), rejected: gpt('b') },
      'llamafactory-v1': {
        chosen_messages: [msg('user', [{ type: 'text', value: 'q' }]), msg('assistant', [{ type: 'text', value: 'a' }])],
        rejected_messages: [msg('user', [{ type: 'text', value: 'q' }]), msg('assistant', [{ type: 'text', value: 'b' }])],
      },
      'ms-swift': { messages: [msg('user', '<image>q'), msg('assistant', 'a')], rejected_response: 'b', images: ['x.png'] },
      llava: povidRow(),
      'rlaif-v': { image: { bytes: null, path: 'x.png' }, question: 'q', chosen: 'a', rejected: 'b', origin_dataset: 'o', idx: 1 },
    };
    for (const [name, row] of Object.entries(rows)) {
      const ranked = rankReaders([row]);
      expect({ name, best: ranked[0]?.name }).toEqual({ name, best: name });
      expect(detectReader(`${name}.jsonl`, [row]).confidence).toBeGreaterThanOrEqual(0.9);
      // Every other reader of this family fits clearly worse.
      const mine = Object.keys(rows);
      for (const other of ranked.slice(1).filter((candidate) => mine.includes(candidate.name))) {
        expect({ name, other: other.name, below: other.confidence < 0.9 }).toEqual({ name, other: other.name, below: true });
      }
    }
  });
});
