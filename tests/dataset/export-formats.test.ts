/**
 * Every export writer against the canonical conversation item: a project built from TRL and seed
 * JSONL files (multi-turn, a system prompt, tool calls, images in the second user turn, tools,
 * margins, extra columns, three responses, a tie), exported, and the export imported into a new
 * project. What each format carries must come back unchanged; what it cannot carry is counted.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadataAsync, parquetReadObjects, asyncBufferFromFile } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { exportDataset } from '../../app/dataset/export-dataset';
import { importDataset } from '../../app/dataset/import-dataset';
import type { ExportFormat, ExportReport } from '../../app/dataset/types';
import { ProjectStore } from '../../app/store/project-store';
import type { ItemDetail, PromptContentPart, PromptMessage } from '../../app/store/types';
import { writePng } from '../fixtures/images';
import { readJsonl, tempDir, writeJsonl } from '../fixtures/temp-dirs';

const WEATHER_TOOL = {
  type: 'function',
  function: { name: 'weather', description: 'Current weather of a city.', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};
const SYSTEM = { role: 'system', content: 'You are a careful assistant. Answer in one sentence.' };

/** TRL conversational rows (explicit prompt): the second user turn holds the images. */
function trlRows(): object[] {
  return [
    {
      id: 'trl-multi-turn',
      prompt: [
        SYSTEM,
        { role: 'user', content: 'I will show you a picture next.' },
        { role: 'assistant', content: 'Go ahead.' },
        { role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'What colour is this square?' }] },
      ],
      chosen: [{ role: 'assistant', content: 'It is red.' }],
      rejected: [{ role: 'assistant', content: 'It is blue.' }],
      images: ['images/red.png'],
      margin: 1.5,
      source: 'trl-fixture',
    },
    {
      id: 'trl-tool-call',
      prompt: [
        SYSTEM,
        { role: 'user', content: 'What is the weather in Paris?' },
        { role: 'tool_call', content: '{"name": "weather", "arguments": {"city": "Paris"}}' },
        { role: 'tool', content: '{"temperature": 21, "sky": "clear"}' },
        { role: 'assistant', content: 'It is 21 degrees and clear in Paris.' },
        { role: 'user', content: [{ type: 'text', text: 'Compare these two: ' }, { type: 'image' }, { type: 'text', text: ' and ' }, { type: 'image' }] },
      ],
      chosen: [{ role: 'assistant', content: 'The first is red, the second green.' }],
      rejected: [{ role: 'assistant', content: 'Both are blue.' }],
      images: ['images/red.png', 'images/green.png'],
    },
  ];
}

/** Seed rows with the optional conversation fields: messages, tools, margin and extra columns. */
function seedRows(): object[] {
  return [
    {
      id: 'seed-tools-three',
      query: 'Which picture matches the weather?',
      image: 'images/blue.png',
      response: ['The blue one: the sky is clear.', 'None of them.', 'I cannot see pictures.'],
      human_ranking: [1, 0, 2],
      messages: [
        SYSTEM,
        { role: 'user', content: 'Check the weather in Oslo first.' },
        { role: 'tool_call', content: '{"name": "weather", "arguments": {"city": "Oslo"}}' },
        { role: 'tool', content: '{"temperature": 4, "sky": "clear"}' },
        { role: 'assistant', content: 'Clear and 4 degrees in Oslo.' },
        { role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Which picture matches the weather?' }] },
      ],
      tools: [WEATHER_TOOL],
      margin: 0.25,
      annotator_notes: { confidence: 'high', passes: 2 },
      batch: 7,
    },
    {
      id: 'seed-tie',
      query: 'Say hello.',
      response: ['Hello!', 'Hi there!', 'Go away.'],
      human_ranking: [0, 0, 1],
      tools: [WEATHER_TOOL],
    },
    { id: 'seed-plain', query: 'What colour is the square?', image: 'images/green.png', response: ['Green.', 'Purple.'], human_ranking: [0, 1] },
    { id: 'seed-text', query: 'Name a prime number.', response: ['Seven.', 'Nine.'], human_ranking: [0, 1] },
    { id: 'seed-unlabeled', query: 'Describe it.', image: 'images/red.png', response: ['A red square.', 'A cat.'] },
    {
      // Two calls in a row: LLaMA-Factory cannot hold it (its turns must alternate).
      id: 'seed-parallel-calls',
      query: 'And in Rome and Oslo?',
      response: ['Rome 25, Oslo 4.', 'Both 10.'],
      human_ranking: [0, 1],
      messages: [
        { role: 'user', content: 'And in Rome and Oslo?' },
        { role: 'tool_call', content: '{"name": "weather", "arguments": {"city": "Rome"}}' },
        { role: 'tool_call', content: '{"name": "weather", "arguments": {"city": "Oslo"}}' },
        { role: 'tool', content: '{"temperature": 25}' },
        { role: 'tool', content: '{"temperature": 4}' },
        { role: 'user', content: 'So?' },
      ],
      tools: [WEATHER_TOOL],
    },
  ];
}

async function writeImages(dir: string): Promise<void> {
  mkdirSync(join(dir, 'images'), { recursive: true });
  await writePng(join(dir, 'images', 'red.png'), 32, 24, { r: 220, g: 30, b: 30 });
  await writePng(join(dir, 'images', 'green.png'), 16, 16, { r: 30, g: 200, b: 30 });
  await writePng(join(dir, 'images', 'blue.png'), 20, 40, { r: 30, g: 30, b: 220 });
}

async function sourceProject(): Promise<ProjectStore> {
  const dir = tempDir();
  await writeImages(dir);
  writeJsonl(join(dir, 'trl.jsonl'), trlRows());
  const seedRowsFixed = seedRows();
  // seed-parallel-calls' query must be its last user turn, as every reader derives it.
  (seedRowsFixed[5] as { query: string }).query = 'So?';
  writeJsonl(join(dir, 'seed.jsonl'), seedRowsFixed);
  const store = ProjectStore.create(join(tempDir(), 'source'), { name: 'Source' });
  const trl = await importDataset(store, join(dir, 'trl.jsonl'));
  expect(trl).toMatchObject({ format: 'trl', added: 2, errorCount: 0 });
  const seed = await importDataset(store, join(dir, 'seed.jsonl'));
  expect(seed).toMatchObject({ format: 'seed', added: 6, errorCount: 0 });
  return store;
}

function allItems(store: ProjectStore): ItemDetail[] {
  return store.listItems({ limit: 1000 }).items.map((summary) => store.getItem(summary.id));
}

/** Everything an item is, with images as content hashes and sizes. */
function content(item: ItemDetail): object {
  return {
    id: item.id,
    query: item.query,
    prompt: item.prompt,
    responses: item.responses,
    images: item.images.map((image) => [image.sha256, image.width, image.height, image.format]),
    ranking: item.resolvedRanking,
    tools: item.tools,
    metadata: item.metadata,
    margin: item.margin,
  };
}

/** `"text"` and `[{"type": "text", "text": "text"}]` say the same thing (Parquet with images writes the second). */
function sameContent(messages: PromptMessage[] | null): PromptMessage[] | null {
  if (messages === null) return null;
  return messages.map((message) => {
    const parts: PromptContentPart[] = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    return { role: message.role, content: parts };
  });
}

interface PairView {
  query: string;
  prompt: PromptMessage[] | null;
  responses: (string | undefined)[];
  images: string[];
  ranking: number[] | null;
  tools: unknown[] | null;
  margin: number | null;
}

/** What the pair `id` of `item` (responses i better than j) must look like after a pair format's round trip. */
function expectedPair(item: ItemDetail, i: number, j: number, carries: { tools: boolean; margin: boolean }): PairView {
  return {
    query: item.query,
    prompt: item.prompt,
    responses: [item.responses[i], item.responses[j]],
    images: item.images.map((image) => image.sha256),
    ranking: [0, 1],
    tools: carries.tools ? item.tools : null,
    margin: carries.margin ? item.margin : null,
  };
}

function pairFields(item: ItemDetail, normalise = false): PairView {
  return {
    query: item.query,
    prompt: normalise ? sameContent(item.prompt) : item.prompt,
    responses: item.responses,
    images: item.images.map((image) => image.sha256),
    ranking: item.resolvedRanking,
    tools: item.tools,
    margin: item.margin,
  };
}

/** The ordered pairs every labeled item gives (ties left out), as [pair id, item, i, j]. */
function pairsOf(items: ItemDetail[], skip: string[] = []): [string, ItemDetail, number, number][] {
  const out: [string, ItemDetail, number, number][] = [];
  for (const item of items) {
    const ranking = item.resolvedRanking;
    if (ranking === null || skip.includes(item.id)) continue;
    const pairs: [number, number][] = [];
    ranking.forEach((ri, i) => ranking.forEach((rj, j) => ri < rj && pairs.push([i, j])));
    pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (const [i, j] of pairs) out.push([pairs.length === 1 ? item.id : `${item.id}#${i}-${j}`, item, i, j]);
  }
  return out;
}

async function roundTrip(source: ProjectStore, format: ExportFormat, file: string): Promise<{ report: ExportReport; copy: ProjectStore; out: string }> {
  const out = join(tempDir(), 'export', file);
  const report = await exportDataset(source, { format, split: 'all', out, images: 'copy' });
  const copy = ProjectStore.create(join(tempDir(), 'copy'), { name: 'Copy' });
  const imported = await importDataset(copy, out);
  expect(imported.errors).toEqual([]);
  expect(imported).toMatchObject({ errorCount: 0, added: report.rows });
  return { report, copy, out };
}

describe('seed export carries the conversation', () => {
  it('writes messages, tools, margin and the extra columns only when the item has them', async () => {
    const source = await sourceProject();
    const out = join(tempDir(), 'seed', 'data.jsonl');
    const report = await exportDataset(source, { format: 'seed', split: 'all', out, images: 'copy', includeUnlabeled: true });
    expect(report).toMatchObject({ rows: 8, items: 8, skippedUnsupported: 0, omissions: [] });
    const lines = new Map(readJsonl(out).map((line) => [line.id, line]));
    const sha = (id: string, index = 0) => source.getItem(id).images[index]?.sha256;
    expect(lines.get('seed-tools-three')).toEqual({
      id: 'seed-tools-three',
      query: 'Which picture matches the weather?',
      image: `images/${sha('seed-tools-three')}.png`,
      response: ['The blue one: the sky is clear.', 'None of them.', 'I cannot see pictures.'],
      human_ranking: [1, 0, 2],
      messages: (seedRows()[0] as { messages: unknown }).messages,
      tools: [WEATHER_TOOL],
      margin: 0.25,
      annotator_notes: { confidence: 'high', passes: 2 },
      batch: 7,
    });
    // Images in the second user turn: the image list follows the image parts' order.
    expect(lines.get('trl-tool-call')?.image).toEqual([`images/${sha('trl-tool-call')}.png`, `images/${sha('trl-tool-call', 1)}.png`]);
    expect(lines.get('trl-multi-turn')).toMatchObject({ margin: 1.5, source: 'trl-fixture', messages: (trlRows()[0] as { prompt: unknown }).prompt });
    // A plain item is exactly the seed's five fields.
    expect(Object.keys(lines.get('seed-plain') ?? {})).toEqual(['id', 'query', 'image', 'response', 'human_ranking']);
    source.close();
  });

  it('re-imports into a new project with nothing rejected and nothing changed', async () => {
    const source = await sourceProject();
    const out = join(tempDir(), 'seed', 'data.jsonl');
    await exportDataset(source, { format: 'seed', split: 'all', out, images: 'copy', includeUnlabeled: true });
    const copy = ProjectStore.create(join(tempDir(), 'copy'), { name: 'Copy' });
    const report = await importDataset(copy, out);
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ format: 'seed', added: 8, errorCount: 0 });
    expect(allItems(copy).map(content)).toEqual(allItems(source).map(content));
    const rich = copy.getItem('seed-tools-three');
    expect(rich.prompt?.map((message) => message.role)).toEqual(['system', 'user', 'tool_call', 'tool', 'assistant', 'user']);
    expect(rich).toMatchObject({ tools: [WEATHER_TOOL], margin: 0.25, metadata: { annotator_notes: { confidence: 'high', passes: 2 }, batch: 7 } });
    // Importing the copy's export again gives the very same file.
    const again = join(tempDir(), 'again', 'data.jsonl');
    await exportDataset(copy, { format: 'seed', split: 'all', out: again, images: 'copy', includeUnlabeled: true });
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));
    source.close();
    copy.close();
  });

  it('keeps a source column named like a seed field out of the line, and says so', async () => {
    const dir = tempDir();
    writeJsonl(join(dir, 'trl.jsonl'), [
      { id: 'clash', prompt: 'Hi?', chosen: 'Hello.', rejected: 'Go.', query: 'a column that is not the query', response: 'x' },
    ]);
    const store = ProjectStore.create(join(tempDir(), 'p'), { name: 'P' });
    expect(await importDataset(store, join(dir, 'trl.jsonl'))).toMatchObject({ added: 1, errorCount: 0 });
    const out = join(tempDir(), 'seed.jsonl');
    const report = await exportDataset(store, { format: 'seed', split: 'all', out, images: 'copy' });
    expect(readJsonl(out)[0]).toEqual({ id: 'clash', query: 'Hi?', response: ['Hello.', 'Go.'], human_ranking: [0, 1] });
    expect(report.omissions).toEqual([
      { what: 'metadata', reason: 'source columns named like seed fields (query, response) are not written', items: 1, examples: ['clash'] },
    ]);
    store.close();
  });
});

describe('LLaMA-Factory sharegpt ranking export', () => {
  it('writes sharegpt rows with <image> placeholders, mapped roles, ordered pairs and a dataset_info.json entry', async () => {
    const source = await sourceProject();
    const dir = tempDir();
    const out = join(dir, 'prefs.json');
    const infoFile = join(dir, 'dataset_info.json');
    writeFileSync(infoFile, JSON.stringify({ dpo_en_demo: { file_name: 'dpo_en_demo.json', ranking: true, formatting: 'sharegpt' } }));
    const report = await exportDataset(source, { format: 'llamafactory', split: 'all', out, images: 'copy' });
    expect(report).toMatchObject({
      rows: 9,
      items: 6,
      skippedUnlabeled: 1,
      skippedTies: 1,
      skippedUnsupported: 1,
      datasetInfo: { file: infoFile, name: 'prefs' },
    });
    expect(report.omissions).toEqual([
      {
        what: 'metadata',
        reason: "LLaMA-Factory rows have no place for the source's extra columns (seed export keeps them)",
        items: 2,
        examples: ['trl-multi-turn', 'seed-tools-three'],
      },
      { what: 'margin', reason: 'LLaMA-Factory ranking data has no margin column', items: 2, examples: ['trl-multi-turn', 'seed-tools-three'] },
      {
        what: 'item',
        reason: 'turns that do not alternate human/observation and gpt/function_call (e.g. parallel tool calls), which LLaMA-Factory rejects',
        items: 1,
        examples: ['seed-parallel-calls'],
      },
    ]);
    const rows = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>[];
    const sha = (id: string, index = 0) => source.getItem(id).images[index]?.sha256;
    expect(rows.find((row) => row.id === 'trl-tool-call')).toEqual({
      id: 'trl-tool-call',
      conversations: [
        { from: 'human', value: 'What is the weather in Paris?' },
        { from: 'function_call', value: '{"name": "weather", "arguments": {"city": "Paris"}}' },
        { from: 'observation', value: '{"temperature": 21, "sky": "clear"}' },
        { from: 'gpt', value: 'It is 21 degrees and clear in Paris.' },
        { from: 'human', value: 'Compare these two: <image> and <image>' },
      ],
      chosen: { from: 'gpt', value: 'The first is red, the second green.' },
      rejected: { from: 'gpt', value: 'Both are blue.' },
      system: SYSTEM.content,
      images: [`images/${sha('trl-tool-call')}.png`, `images/${sha('trl-tool-call', 1)}.png`],
    });
    expect(rows.filter((row) => String(row.id).startsWith('seed-tools-three')).map((row) => [row.id, (row.chosen as { value: string }).value])).toEqual([
      ['seed-tools-three#0-2', 'The blue one: the sky is clear.'],
      ['seed-tools-three#1-0', 'None of them.'],
      ['seed-tools-three#1-2', 'None of them.'],
    ]);
    expect(rows.find((row) => row.id === 'seed-tools-three#1-0')?.tools).toBe(JSON.stringify([WEATHER_TOOL]));
    const registry = JSON.parse(readFileSync(infoFile, 'utf8')) as Record<string, unknown>;
    expect(registry).toEqual({
      dpo_en_demo: { file_name: 'dpo_en_demo.json', ranking: true, formatting: 'sharegpt' },
      prefs: {
        file_name: 'prefs.json',
        formatting: 'sharegpt',
        ranking: true,
        columns: { messages: 'conversations', chosen: 'chosen', rejected: 'rejected', system: 'system', tools: 'tools', images: 'images' },
      },
    });
    source.close();
  });

  it('round-trips through dataset_info.json: conversations, system, tools and images come back unchanged', async () => {
    const source = await sourceProject();
    const out = join(tempDir(), 'lf', 'prefs.jsonl');
    const report = await exportDataset(source, { format: 'llamafactory', split: 'all', out, images: 'copy' });
    expect(readJsonl(out)).toHaveLength(report.rows);
    const copy = ProjectStore.create(join(tempDir(), 'copy'), { name: 'Copy' });
    const imported = await importDataset(copy, join(out, '..', 'dataset_info.json'), { dataset: 'prefs' });
    expect(imported.errors).toEqual([]);
    expect(imported).toMatchObject({ format: 'llamafactory-sharegpt', added: report.rows, errorCount: 0 });
    const expected = pairsOf(allItems(source), ['seed-parallel-calls']);
    expect(expected).toHaveLength(report.rows);
    for (const [id, item, i, j] of expected) {
      expect([id, pairFields(copy.getItem(id))]).toEqual([id, expectedPair(item, i, j, { tools: true, margin: false })]);
    }
    source.close();
    copy.close();
  });

  it('refuses to overwrite a dataset_info.json it cannot read, before writing anything', async () => {
    const source = await sourceProject();
    const dir = tempDir();
    writeFileSync(join(dir, 'dataset_info.json'), '{ not json');
    await expect(exportDataset(source, { format: 'llamafactory', split: 'all', out: join(dir, 'prefs.json'), images: 'copy' })).rejects.toThrow(
      'is not valid JSON',
    );
    expect(readdirSync(dir)).toEqual(['dataset_info.json']);
    source.close();
  });
});

describe('ms-swift RM export', () => {
  it('writes messages ending with the chosen answer, rejected_response, <image> tags, tools as JSON text and margin', async () => {
    const source = await sourceProject();
    const { report, copy, out } = await roundTrip(source, 'ms-swift', 'rm.jsonl');
    expect(report).toMatchObject({ rows: 10, items: 7, skippedTies: 1, skippedUnsupported: 0 });
    const row = readJsonl(out).find((line) => line.id === 'seed-tools-three#1-0');
    expect(row).toEqual({
      id: 'seed-tools-three#1-0',
      messages: [
        SYSTEM,
        { role: 'user', content: 'Check the weather in Oslo first.' },
        { role: 'tool_call', content: '{"name": "weather", "arguments": {"city": "Oslo"}}' },
        { role: 'tool_response', content: '{"temperature": 4, "sky": "clear"}' },
        { role: 'assistant', content: 'Clear and 4 degrees in Oslo.' },
        { role: 'user', content: '<image>Which picture matches the weather?' },
        { role: 'assistant', content: 'None of them.' },
      ],
      rejected_response: 'The blue one: the sky is clear.',
      images: [`images/${source.getItem('seed-tools-three').images[0]?.sha256}.png`],
      tools: JSON.stringify([WEATHER_TOOL]),
      margin: 0.25,
    });
    for (const [id, item, i, j] of pairsOf(allItems(source))) {
      expect([id, pairFields(copy.getItem(id))]).toEqual([id, expectedPair(item, i, j, { tools: true, margin: true })]);
    }
    source.close();
    copy.close();
  });
});

describe('TRL JSONL export', () => {
  it('round-trips conversations, images, tools and margin; tools are written as JSON text', async () => {
    const source = await sourceProject();
    const { report, copy, out } = await roundTrip(source, 'trl', 'trl.jsonl');
    expect(report).toMatchObject({ rows: 10, items: 7, skippedTies: 1 });
    expect(readJsonl(out).find((line) => line.id === 'seed-tie#0-2')?.tools).toBe(JSON.stringify([WEATHER_TOOL]));
    for (const [id, item, i, j] of pairsOf(allItems(source))) {
      expect([id, pairFields(copy.getItem(id))]).toEqual([id, expectedPair(item, i, j, { tools: true, margin: true })]);
    }
    source.close();
    copy.close();
  });
});

describe('Parquet export', () => {
  async function readParquet(file: string): Promise<{ rows: Record<string, unknown>[]; kv: Record<string, string> }> {
    const buffer = await asyncBufferFromFile(file);
    const metadata = await parquetMetadataAsync(buffer);
    const kv = Object.fromEntries((metadata.key_value_metadata ?? []).map((entry) => [entry.key, entry.value ?? '']));
    return { rows: await parquetReadObjects({ file: buffer, utf8: false }), kv };
  }

  it('writes TRL columns with image parts, embedded image structs typed for datasets, tools as JSON text', async () => {
    const source = await sourceProject();
    const out = join(tempDir(), 'pq', 'prefs.parquet');
    const report = await exportDataset(source, { format: 'parquet', split: 'all', out, images: 'copy' });
    expect(report).toMatchObject({ rows: 10, items: 7, imagesCopied: 0, imagesEmbedded: 7, skippedTies: 1, skippedUnsupported: 0 });
    // Not every item has a margin: TRL reads it from all rows or none, so it is left out and counted.
    expect(report.omissions.map((omission) => [omission.what, omission.items])).toEqual([
      ['metadata', 2],
      ['margin', 2],
    ]);
    expect(existsSync(join(out, '..', 'images'))).toBe(false);
    const { rows, kv } = await readParquet(out);
    expect(JSON.parse(kv.huggingface ?? '{}')).toEqual({ info: { features: { images: { feature: { _type: 'Image' }, _type: 'Sequence' } } } });
    const row = rows.find((entry) => entry.id === 'trl-multi-turn') as Record<string, unknown>;
    expect(Object.keys(row)).toEqual(['id', 'prompt', 'chosen', 'rejected', 'images', 'tools']);
    expect(row.prompt).toEqual([
      { role: 'system', content: [{ type: 'text', text: SYSTEM.content }] },
      { role: 'user', content: [{ type: 'text', text: 'I will show you a picture next.' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Go ahead.' }] },
      { role: 'user', content: [{ type: 'image', text: null }, { type: 'text', text: 'What colour is this square?' }] },
    ]);
    expect(row.chosen).toEqual([{ role: 'assistant', content: [{ type: 'text', text: 'It is red.' }] }]);
    const image = (row.images as { bytes: Uint8Array; path: string }[])[0];
    const stored = source.getItem('trl-multi-turn').images[0];
    expect(image?.path).toBe(`${stored?.sha256}.png`);
    expect(Buffer.from(image?.bytes ?? []).equals(readFileSync(join(source.dir, stored?.relPath ?? '')))).toBe(true);
    expect(rows.find((entry) => entry.id === 'seed-tie#0-2')?.tools).toBe(JSON.stringify([WEATHER_TOOL]));
    source.close();
  });

  it('round-trips: the Parquet imports back with the same conversations, responses, tools and image bytes', async () => {
    const source = await sourceProject();
    const { copy } = await roundTrip(source, 'parquet', 'prefs.parquet');
    for (const [id, item, i, j] of pairsOf(allItems(source))) {
      const wanted = { ...expectedPair(item, i, j, { tools: true, margin: false }), prompt: sameContent(item.prompt) };
      expect([id, pairFields(copy.getItem(id), true)]).toEqual([id, wanted]);
    }
    source.close();
    copy.close();
  });

  it('keeps plain string content and a margin column for text-only data with a margin on every pair', async () => {
    const dir = tempDir();
    writeJsonl(join(dir, 'trl.jsonl'), [
      { id: 'a', prompt: [SYSTEM, { role: 'user', content: 'Hi?' }], chosen: [{ role: 'assistant', content: 'Hello.' }], rejected: [{ role: 'assistant', content: 'Go.' }], margin: 2 },
      { id: 'b', prompt: 'Name a colour.', chosen: 'Red.', rejected: 'Chair.', margin: 0.5 },
    ]);
    const store = ProjectStore.create(join(tempDir(), 'p'), { name: 'P' });
    expect(await importDataset(store, join(dir, 'trl.jsonl'))).toMatchObject({ added: 2, errorCount: 0 });
    const out = join(tempDir(), 'text.parquet');
    const report = await exportDataset(store, { format: 'parquet', split: 'all', out, images: 'copy' });
    expect(report).toMatchObject({ rows: 2, omissions: [] });
    const { rows, kv } = await readParquet(out);
    expect(JSON.parse(kv.huggingface ?? '{}')).toEqual({ info: { features: {} } });
    expect(rows).toEqual([
      {
        id: 'a',
        prompt: [SYSTEM, { role: 'user', content: 'Hi?' }],
        chosen: [{ role: 'assistant', content: 'Hello.' }],
        rejected: [{ role: 'assistant', content: 'Go.' }],
        margin: 2,
      },
      {
        id: 'b',
        prompt: [{ role: 'user', content: 'Name a colour.' }],
        chosen: [{ role: 'assistant', content: 'Red.' }],
        rejected: [{ role: 'assistant', content: 'Chair.' }],
        margin: 0.5,
      },
    ]);
    const copy = ProjectStore.create(join(tempDir(), 'copy'), { name: 'Copy' });
    expect(await importDataset(copy, out)).toMatchObject({ added: 2, errorCount: 0 });
    expect(allItems(copy).map(content)).toEqual(allItems(store).map(content));
    store.close();
    copy.close();
  });
});
