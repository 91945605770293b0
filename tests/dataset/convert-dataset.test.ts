/**
 * convertDataset writes, without a project, exactly the seed rows that importing the file into an
 * empty project and exporting it as seed gives: same items, rankings (several annotators
 * included), conversations, tools, margins and extra columns; images the same pictures.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertDataset } from '../../app/dataset/convert-dataset';
import { exportDataset } from '../../app/dataset/export-dataset';
import { importDataset } from '../../app/dataset/import-dataset';
import { ProjectStore } from '../../app/store/project-store';
import { writePng } from '../fixtures/images';
import { readJsonl, tempDir, writeJsonl } from '../fixtures/temp-dirs';

/** Each row with its image paths replaced by the hash of the file they point at. */
function withImageContent(rows: Record<string, unknown>[], outDir: string): Record<string, unknown>[] {
  return rows.map((row) => {
    if (row.image === undefined) return row;
    const hashed = [row.image].flat().map((file) => {
      const full = isAbsolute(file as string) ? (file as string) : join(outDir, file as string);
      return createHash('sha256').update(readFileSync(full)).digest('hex');
    });
    return { ...row, image: hashed };
  });
}

async function importThenExport(file: string): Promise<Record<string, unknown>[]> {
  const store = ProjectStore.create(join(tempDir(), 'project'), { name: 'Reference' });
  try {
    await importDataset(store, file);
    const outDir = tempDir();
    const out = join(outDir, 'export.jsonl');
    await exportDataset(store, { format: 'seed', split: 'all', out, images: 'absolute', includeUnlabeled: true });
    return withImageContent(readJsonl(out), outDir);
  } finally {
    store.close();
  }
}

async function converted(file: string): Promise<Record<string, unknown>[]> {
  const outDir = tempDir();
  const report = await convertDataset([file], join(outDir, 'seed.jsonl'), { includeUnlabeled: true });
  expect(report.written).toBe(true);
  return withImageContent(readJsonl(join(outDir, 'seed.jsonl')), outDir);
}

/** Export pages items in the order the project stored them; convert writes in file order (the same here). */
async function expectSameAsImportExport(file: string): Promise<Record<string, unknown>[]> {
  const rows = await converted(file);
  expect(rows).toEqual(await importThenExport(file));
  return rows;
}

const USER_A = '5a3c0d2e-1111-4b6e-9c1a-000000000001';
const USER_B = '5a3c0d2e-2222-4b6e-9c1a-000000000002';

describe('convertDataset', () => {
  it('matches import + seed export for seed rows with images, repeats and unlabeled items', async () => {
    const dir = tempDir();
    await writePng(join(dir, 'red.png'), 6, 6, { r: 200, g: 0, b: 0 });
    await writePng(join(dir, 'blue.png'), 6, 6, { r: 0, g: 0, b: 200 });
    const file = join(dir, 'seed.jsonl');
    const first = { id: 'a', query: 'Which?', image: 'red.png', response: ['Red.', 'Blue.'], human_ranking: [0, 1], team: 'vision' };
    writeJsonl(file, [
      first,
      { id: 'b', query: 'Both?', image: ['red.png', 'blue.png'], response: ['x', 'y', 'z'], human_ranking: [1, 0, 1] },
      first,
      { id: 'c', query: 'Open', response: ['p', 'q'] },
    ]);
    const rows = await expectSameAsImportExport(file);
    expect(rows.map((row) => row.id)).toEqual(['a', 'b', 'c']);
    expect(rows[0]).toMatchObject({ team: 'vision' });
    expect(rows[2]).toMatchObject({ human_ranking: null });
  });

  it('matches it for Argilla records judged by several people (the last annotator resolves, as in the project)', async () => {
    const file = join(tempDir(), 'argilla.jsonl');
    const fields = { prompt: 'Write a haiku about rain.', 'response-1': 'Soft rain on the roof.', 'response-2': 'Rain is wet.' };
    const vote = (user: string, first: string, second: string) => ({
      user_id: user,
      status: 'submitted',
      values: { preference: { value: [{ value: first, rank: 1 }, { value: second, rank: 2 }] } },
    });
    writeJsonl(file, [
      { id: 'r1', external_id: 'haiku-1', fields, metadata: { batch: 1 }, responses: [vote(USER_A, 'response-1', 'response-2'), vote(USER_B, 'response-2', 'response-1')], suggestions: [], status: 'completed' },
      { id: 'r2', external_id: 'haiku-2', fields, metadata: {}, responses: [vote(USER_A, 'response-2', 'response-1')], suggestions: [], status: 'completed' },
      { id: 'r3', external_id: 'haiku-3', fields, metadata: {}, responses: [], suggestions: [], status: 'pending' },
    ]);
    const rows = await expectSameAsImportExport(file);
    expect(rows.map((row) => row.human_ranking)).toEqual([[1, 0], [1, 0], null]);
  });

  it('matches it for unpaired (KTO) rows grouped by prompt and for ms-swift rows with tools', async () => {
    const dir = tempDir();
    const kto = join(dir, 'kto.jsonl');
    writeJsonl(kto, [
      { prompt: 'Name a grey cat.', completion: 'Pebble.', label: true },
      { prompt: 'Name a grey cat.', completion: 'Dog.', label: false },
      { prompt: 'Name a grey cat.', completion: 'Ash.', label: true },
      { prompt: 'Name a fish.', completion: 'Bubbles.', label: true },
      { prompt: 'Name a fish.', completion: 'Finn.', label: true },
    ]);
    const ktoRows = await expectSameAsImportExport(kto);
    expect(ktoRows.map((row) => [row.response, row.human_ranking])).toEqual([
      [['Pebble.', 'Dog.', 'Ash.'], [0, 1, 0]],
      [['Bubbles.', 'Finn.'], null],
    ]);

    const swift = join(dir, 'swift.jsonl');
    const tools = JSON.stringify([{ type: 'function', function: { name: 'stock_price', parameters: { type: 'object', properties: { ticker: { type: 'string' } } } } }]);
    writeJsonl(swift, [
      {
        tools,
        messages: [
          { role: 'system', content: 'You are a market assistant.' },
          { role: 'user', content: 'How is ACME trading?' },
          { role: 'tool_call', content: '{"name": "stock_price", "arguments": {"ticker": "ACME"}}' },
          { role: 'tool_response', content: '{"price": 12.5}' },
          { role: 'assistant', content: 'ACME trades at 12.50.' },
        ],
        rejected_response: 'I have no idea.',
        margin: 0.5,
      },
    ]);
    const swiftRows = await expectSameAsImportExport(swift);
    expect(swiftRows[0]).toMatchObject({ response: ['ACME trades at 12.50.', 'I have no idea.'], human_ranking: [0, 1], margin: 0.5, tools: JSON.parse(tools) as unknown });
  });

  it('reports rows it cannot convert by reason, and writes no file when no row converts', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.jsonl');
    writeJsonl(file, [
      { id: 'x', query: 'One', response: ['a', 'b'], human_ranking: [0, 1] },
      { id: 'x', query: 'One changed', response: ['a', 'b'], human_ranking: [0, 1] },
      { id: 'y', query: 'Missing image', image: 'nowhere.png', response: ['a', 'b'], human_ranking: [0, 1] },
    ]);
    const out = join(dir, 'out', 'seed.jsonl');
    const report = await convertDataset([file], out);
    expect(report).toMatchObject({ items: 1, skipped: 2, format: 'seed', written: true });
    expect(report.errors.map((error) => [error.line, error.reason])).toEqual([
      [2, expect.stringContaining('duplicate id "x" with different content (first seen at line 1)')],
      [3, expect.stringContaining('image not found')],
    ]);

    writeJsonl(file, [{ id: 'z', query: 'Open', response: ['a', 'b'] }]);
    const none = await convertDataset([file], join(dir, 'none', 'seed.jsonl'));
    expect(none).toMatchObject({ items: 0, skipped: 1, unlabeled: 1, written: false });
    expect(none.reasons[0]?.reason).toContain('--include-unlabeled');
    expect(readJsonl(out)).toHaveLength(1);
  });
});
