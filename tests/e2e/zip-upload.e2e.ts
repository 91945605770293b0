/**
 * A dataset zipped with its images, uploaded through the real upload button in Chromium: the
 * server unpacks it, the relative image paths resolve, and the items land with their images (in
 * the UI and in project.sqlite). A zip with several data files and a dataset_info.json asks which
 * one to import. A LLaMA-Factory data/ folder, zipped with its image, imports by dataset name, and
 * its three-turn conversation is judged by keyboard with the earlier turns (and the image where
 * `<image>` stood) in view.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import { openContractSocket } from './harness/contract-socket';
import { openSampleStudio, type SampleStudio } from './harness/sample-studio';
import { queryProject } from './harness/project-db';
import { tempFolder } from './harness/temp-folders';

async function png(width: number, height: number, colour: { r: number; g: number; b: number }): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } }).png().toBuffer();
}

/** A real zip file on disk, made by yazl. */
function writeZip(path: string, entries: Record<string, Buffer | string>): Promise<void> {
  const zip = new ZipFile();
  for (const [name, data] of Object.entries(entries)) zip.addBuffer(typeof data === 'string' ? Buffer.from(data) : data, name);
  zip.end();
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => parts.push(chunk));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => {
      writeFileSync(path, Buffer.concat(parts));
      resolve();
    });
  });
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const jsonl = (rows: object[]): string => rows.map((row) => JSON.stringify(row)).join('\n') + '\n';

async function added(page: Page): Promise<number> {
  return Number((await page.getByTestId('import-added').textContent())?.replace(/\D/g, ''));
}

/** Each item's first image: sha256 and width, from project.sqlite. */
function imagesOf(projectDir: string, ids: string[]): { id: string; sha: string; width: number }[] {
  return queryProject<{ id: string; sha: string; width: number }>(
    projectDir,
    `SELECT items.id AS id, images.sha256 AS sha, images.width AS width FROM items
       JOIN item_images ON item_images.item_rowid = items.rowid AND item_images.position = 0
       JOIN images ON images.sha256 = item_images.sha256
      WHERE items.id IN (${ids.map(() => '?').join(', ')}) ORDER BY items.id`,
    ...ids,
  );
}

describe('uploading a zip with its images in the browser UI', () => {
  let opened: SampleStudio | undefined;
  let page: Page;
  let projectDir: string;

  beforeAll(async () => {
    opened = await openSampleStudio();
    page = opened.ui.page;
    projectDir = opened.projectDir;
  });

  afterAll(async () => {
    await opened?.close();
  });

  it('uploads a seed JSONL zipped with images/, imports it, and the items show their images', async () => {
    const red = await png(64, 40, { r: 210, g: 30, b: 30 });
    const blue = await png(24, 56, { r: 30, g: 70, b: 210 });
    const zipPath = join(tempFolder('zip'), 'colours.zip');
    await writeZip(zipPath, {
      'colours.jsonl': jsonl([
        { id: 'zip-red', query: 'Zipped colour: which?', image: 'images/a.png', response: ['Red.', 'Blue.'], human_ranking: [0, 1] },
        { id: 'zip-blue', query: 'Zipped colour: and this?', image: 'images/b.png', response: ['Red.', 'Blue.'], human_ranking: [1, 0] },
      ]),
      'images/a.png': red,
      'images/b.png': blue,
    });

    await page.getByTestId('nav-home').click();
    await page.getByTestId('import-upload').setInputFiles(zipPath);
    await page.getByTestId('import-report').waitFor({ timeout: 60_000 });
    expect(await added(page)).toBe(2);
    expect(Number((await page.getByTestId('import-error-count').textContent())?.replace(/\D/g, ''))).toBe(0);
    // One data file: no question asked, and the path field shows where it was unpacked.
    expect(await page.getByTestId('zip-choice').count()).toBe(0);
    expect(await page.getByTestId('import-file').inputValue()).toMatch(/cache\/uploads\/\d{8}-\d{6}-colours\/colours\.jsonl$/);

    expect(imagesOf(projectDir, ['zip-red', 'zip-blue'])).toEqual([
      { id: 'zip-blue', sha: sha256(blue), width: 24 },
      { id: 'zip-red', sha: sha256(red), width: 64 },
    ]);

    await page.getByTestId('nav-items').click();
    await page.getByTestId('items-search').fill('Zipped colour');
    await expect.poll(() => page.getByTestId('item-row').count()).toBe(2);
    await page.locator('[data-testid="item-row"][data-item-id="zip-blue"]').click();
    await expect.poll(() => page.getByTestId('item-detail').getAttribute('data-item-id')).toBe('zip-blue');
    const image = page.getByTestId('detail-image');
    await expect.poll(() => image.evaluate((element) => (element as HTMLImageElement).naturalWidth)).toBe(24);
    await page.getByTestId('items-search').fill('');
    await page.getByTestId('nav-home').click();
  });

  it('asks which file to import when the zip holds several, and lists dataset_info.json datasets', async () => {
    const green = await png(30, 30, { r: 30, g: 190, b: 60 });
    const zipPath = join(tempFolder('zip'), 'several.zip');
    await writeZip(zipPath, {
      'data/dataset_info.json': JSON.stringify({
        second_set: { file_name: 'second.jsonl', ranking: true },
        on_the_hub: { hf_hub_url: 'someone/elsewhere', ranking: true },
      }),
      'data/first.jsonl': jsonl([{ id: 'zip-first', query: 'Zip first?', image: 'shots/g.png', response: ['a', 'b'], human_ranking: [0, 1] }]),
      'data/second.jsonl': jsonl([{ id: 'zip-second', query: 'Zip second?', image: 'shots/g.png', response: ['c', 'd'], human_ranking: [1, 0] }]),
      'data/shots/g.png': green,
    });

    await page.getByTestId('import-upload').setInputFiles(zipPath);
    const select = page.getByTestId('zip-choice-select');
    await select.waitFor({ timeout: 60_000 });
    expect(await select.locator('option').allTextContents()).toEqual([
      'second_set (dataset_info.json: data/second.jsonl)',
      'data/first.jsonl',
      'data/second.jsonl',
    ]);
    // Nothing is imported until the person chooses.
    expect(queryProject(projectDir, "SELECT id FROM items WHERE id IN ('zip-first', 'zip-second')")).toEqual([]);

    await select.selectOption({ label: 'data/second.jsonl' });
    await page.getByTestId('zip-choice-import').click();
    await expect.poll(() => page.getByTestId('import-file').inputValue(), { timeout: 60_000 }).toMatch(/-several\/data\/second\.jsonl$/);
    await page.getByTestId('import-report').waitFor({ timeout: 60_000 });
    await expect.poll(() => added(page)).toBe(1);
    expect(imagesOf(projectDir, ['zip-first', 'zip-second'])).toEqual([{ id: 'zip-second', sha: sha256(green), width: 30 }]);
  });

  it('shows a refused zip\'s reason, naming the entry', async () => {
    const zipPath = join(tempFolder('zip'), 'link.zip');
    const zip = new ZipFile();
    zip.addBuffer(Buffer.from('{}\n'), 'data.jsonl');
    zip.addBuffer(Buffer.from('/etc/passwd'), 'images/a.png', { mode: 0o120777 });
    zip.end();
    const parts: Buffer[] = [];
    for await (const chunk of zip.outputStream) parts.push(chunk as Buffer);
    writeFileSync(zipPath, Buffer.concat(parts));

    await page.getByTestId('import-upload').setInputFiles(zipPath);
    await expect.poll(() => page.getByText('The zip entry "images/a.png" is a symbolic link').count(), { timeout: 30_000 }).toBeGreaterThan(0);
  });

  it('a LLaMA-Factory data/ folder zipped with its image: the dataset picked by name, a three-turn conversation judged by keyboard with its earlier turns in view', async () => {
    // A project of its own, so the conversation is the whole queue.
    const conversationProject = join(tempFolder('project'), 'zipped-conversation');
    const socket = await openContractSocket(opened?.studio.url as string);
    try {
      await socket.invoke('projects.create', { dir: conversationProject, name: 'Zipped conversation' });
    } finally {
      socket.close();
    }
    await expect.poll(() => page.getByTestId('project-name').textContent()).toBe('Zipped conversation');
    const circle = await png(40, 40, { r: 200, g: 40, b: 40 });
    const zipPath = join(tempFolder('zip'), 'llamafactory-data.zip');
    await writeZip(zipPath, {
      'data/dataset_info.json': JSON.stringify({
        shapes_dpo: {
          file_name: 'shapes_dpo.json',
          formatting: 'sharegpt',
          ranking: true,
          columns: { messages: 'conversations', chosen: 'chosen', rejected: 'rejected', system: 'system', images: 'images' },
        },
      }),
      'data/shapes_dpo.json': JSON.stringify([
        {
          conversations: [
            { from: 'human', value: 'Look at this square first.' },
            { from: 'gpt', value: 'A small blue square.' },
            { from: 'human', value: '<image>And this shape?' },
            { from: 'gpt', value: 'A red circle.' },
            { from: 'human', value: 'Which of the two is red?' },
          ],
          chosen: { from: 'gpt', value: 'The circle is red.' },
          rejected: { from: 'gpt', value: 'The square is red.' },
          system: 'You compare shapes carefully.',
          images: ['shots/circle.png'],
        },
      ], null, 2),
      'data/shots/circle.png': circle,
    });

    await page.getByTestId('nav-home').click();
    await page.getByTestId('import-upload').setInputFiles(zipPath);
    const select = page.getByTestId('zip-choice-select');
    await select.waitFor({ timeout: 60_000 });
    await select.selectOption({ label: 'shapes_dpo (dataset_info.json: data/shapes_dpo.json)' });
    await page.getByTestId('zip-choice-import').click();
    await page.getByTestId('import-report').waitFor({ timeout: 60_000 });
    await expect.poll(() => added(page)).toBe(1);

    await page.getByTestId('nav-annotate').click();
    if (await page.getByTestId('settings-dialog').isVisible().catch(() => false)) {
      await page.keyboard.type('dana');
      await page.keyboard.press('Enter');
    }
    const thread = page.getByTestId('conversation-thread');
    await expect.poll(() => thread.getAttribute('data-earlier-count'), { timeout: 20_000 }).toBe('5');
    expect((await thread.locator('[data-testid="thread-turn"][data-place="last"]').textContent())?.trim()).toBe('UserWhich of the two is red?');
    if ((await thread.getAttribute('data-expanded')) === 'false') await page.keyboard.press('c');
    const earlier = thread.locator('[data-testid="thread-turn"][data-place="earlier"]');
    await expect
      .poll(() => earlier.evaluateAll((turns) => turns.map((element) => element.getAttribute('data-role'))))
      .toEqual(['system', 'user', 'assistant', 'user', 'assistant']);
    for (const text of ['You compare shapes carefully.', 'Look at this square first.', 'A small blue square.', 'And this shape?', 'A red circle.']) {
      expect(await thread.getByText(text, { exact: false }).first().isVisible()).toBe(true);
    }
    // The image stands in the second user turn, where the placeholder was, and it loads.
    const image = earlier.nth(3).getByTestId('thread-image');
    await expect.poll(() => image.evaluate((element) => (element as HTMLImageElement).naturalWidth)).toBe(40);

    // Judge by keyboard: `a` = the response shown first is better.
    const shown = (await page.getByTestId('annotate-responses').locator('.response-card-body').allTextContents()).map((text) => text.trim());
    const original = ['The circle is red.', 'The square is red.'];
    const firstShown = original.indexOf(shown[0] as string);
    expect(firstShown).not.toBe(-1);
    await page.keyboard.press('a');
    await expect.poll(() => page.getByTestId('queue-decided').textContent()).toBe('1');
    await expect.poll(() => page.getByTestId('queue-saving').count(), { timeout: 15_000 }).toBe(0);
    const judgments = queryProject<{ annotator: string; ranking_json: string; source: string; prompt_json: string }>(
      conversationProject,
      `SELECT a.name AS annotator, j.ranking_json, j.source, items.prompt_json FROM judgments j
         JOIN annotators a ON a.id = j.annotator_id JOIN items ON items.rowid = j.item_rowid
        WHERE j.source = 'ui'`,
    );
    expect(judgments.map((row) => ({ ranking: JSON.parse(row.ranking_json) as number[], source: row.source }))).toEqual([
      { ranking: firstShown === 0 ? [0, 1] : [1, 0], source: 'ui' },
    ]);
    // The stored conversation is the file's, turn by turn, with the image part where <image> stood.
    expect(JSON.parse(judgments[0]?.prompt_json ?? 'null')).toEqual([
      { role: 'system', content: 'You compare shapes carefully.' },
      { role: 'user', content: 'Look at this square first.' },
      { role: 'assistant', content: 'A small blue square.' },
      { role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'And this shape?' }] },
      { role: 'assistant', content: 'A red circle.' },
      { role: 'user', content: 'Which of the two is red?' },
    ]);
  });

  it('had no console errors or failed requests', () => {
    // The refused upload's 400 is an answer the page reads, which Chromium logs as a failed resource.
    expect(opened?.ui.problems.filter((problem) => !/status of 400/.test(problem))).toEqual([]);
  });
});
