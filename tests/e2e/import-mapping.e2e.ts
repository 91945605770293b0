/**
 * A file no format recognises, imported by mapping its columns in the real import panel: the
 * panel says "not recognised" once with the keys it found and opens the mapping; the person
 * picks the columns with the selects; the first rows, as the mapping reads them, follow each
 * change; Enter on a select imports; the items land in project.sqlite with their images; bad
 * rows come back grouped by reason; and the same file name, chosen again (after a reload, from
 * another folder), brings its mapping back.
 *
 * Also writes docs/screenshots/import-mapping.png (UPDATE_SCREENSHOTS=1).
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VIEWPORT } from './harness/browser';
import { REPO_ROOT } from './harness/renderer-build';
import { openSampleStudio, type SampleStudio } from './harness/sample-studio';
import { queryProject } from './harness/project-db';
import { tempFolder } from './harness/temp-folders';

const SCREENSHOT_DIR = process.env.UPDATE_SCREENSHOTS ? join(REPO_ROOT, 'docs', 'screenshots') : join(REPO_ROOT, 'test-results', 'screenshots');

/** The rows that should land, with keys no reader knows. */
const GOOD_ROWS = [
  { question: 'Which colour fills this square?', good: 'Red, a warm solid red.', bad: 'Blue.', pic: 'pics/red.png', team: 'vision' },
  { question: 'What shape is drawn here?', good: 'A tall blue rectangle.', bad: 'A green circle.', pic: 'pics/blue.png', team: 'vision' },
  { question: 'Greet a new colleague politely.', good: 'Welcome aboard, glad to have you here!', bad: 'What do you want?', team: 'chat' },
  { question: 'Name a prime number below ten.', good: 'Seven.', bad: 'Nine.', team: 'math' },
];
/** Rows without a question: more than the report lists one by one, so they come back grouped. */
const ORPHANS = Array.from({ length: 22 }, (_, index) => ({ good: `orphan ${index}`, bad: `row ${index}` }));

async function png(path: string, width: number, height: number, colour: { r: number; g: number; b: number }): Promise<void> {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, await sharp({ create: { width, height, channels: 3, background: colour } }).png().toBuffer());
}

async function numberIn(page: Page, testId: string): Promise<number> {
  return Number((await page.getByTestId(testId).textContent())?.replace(/\D/g, ''));
}

async function parsedQueries(page: Page): Promise<string[]> {
  return page.getByTestId('parsed-query').allTextContents();
}

describe('mapping the columns of an unrecognised file in the import panel', () => {
  let opened: SampleStudio | undefined;
  let page: Page;
  let projectDir: string;
  let dataFile: string;

  beforeAll(async () => {
    opened = await openSampleStudio();
    page = opened.ui.page;
    projectDir = opened.projectDir;
    const dir = tempFolder('odd');
    await png(join(dir, 'pics', 'red.png'), 48, 32, { r: 210, g: 40, b: 40 });
    await png(join(dir, 'pics', 'blue.png'), 20, 44, { r: 40, g: 80, b: 210 });
    dataFile = join(dir, 'odd-prefs.jsonl');
    writeFileSync(dataFile, [...GOOD_ROWS, ...ORPHANS].map((row) => JSON.stringify(row)).join('\n') + '\n');
  });

  afterAll(async () => {
    await opened?.close();
  });

  it('says the file is not recognised, once, with its keys, and opens the mapping', async () => {
    await page.getByTestId('nav-home').click();
    await page.getByTestId('import-file').fill(dataFile);
    const notice = page.getByTestId('import-not-recognised');
    await notice.waitFor({ timeout: 20_000 });
    expect(await notice.count()).toBe(1);
    expect(await notice.textContent()).toMatch(/not recognised\. Keys found: bad, good, question, team, pic/);
    expect(await page.getByTestId('import-detected').textContent()).toContain('Format not recognised');
    // The file's first rows, as they are.
    expect(await page.getByTestId('import-preview-row').count()).toBe(5);
    expect(await page.getByTestId('import-preview-table').locator('th').allTextContents()).toEqual(['Line', 'bad', 'good', 'question', 'team', 'pic']);
    // The mapping is open by itself, empty, and nothing is read yet.
    await page.getByTestId('column-mapping').waitFor();
    expect(await page.getByTestId('map-columns-toggle').getAttribute('aria-expanded')).toBe('true');
    expect(await page.getByTestId('map-prompt').inputValue()).toBe('');
    expect(await page.getByTestId('parsed-row').count()).toBe(0);
  });

  it('reads the first rows through the columns the person picks, as they pick them', async () => {
    await page.getByTestId('map-prompt').selectOption('question');
    await expect.poll(() => page.getByTestId('mapping-problem').textContent()).toMatch(/^The mapping has no responses/);
    expect(await page.getByTestId('mapping-state').textContent()).toBe('Importing through this mapping, remembered for odd-prefs.jsonl.');

    await page.getByTestId('map-response-0').selectOption('good');
    await page.getByTestId('map-response-1').selectOption('bad');
    await expect.poll(() => parsedQueries(page)).toEqual(GOOD_ROWS.slice(0, 3).map((row) => row.question));
    expect(await page.getByTestId('mapping-problem').count()).toBe(0);
    const first = page.getByTestId('parsed-row').first();
    expect(await first.getByTestId('parsed-response').allTextContents()).toEqual(['bestRed, a warm solid red.', 'rank 2Blue.']);
    // The image column is not mapped yet: "pic" would be kept as metadata, so no image is counted.
    expect(await first.textContent()).not.toContain('1 image');

    await page.getByTestId('map-images').selectOption('pic');
    await expect.poll(() => first.textContent()).toContain('1 image');
    expect(await page.getByTestId('parsed-row').nth(2).textContent()).not.toContain('image');
    expect(await page.getByTestId('import-detected').textContent()).toContain('Read through your column mapping');
    expect(await page.getByTestId('import-format').isDisabled()).toBe(true);

    // The whole panel in one picture: a window tall enough for it, then back to the usual size.
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.setViewportSize({ width: VIEWPORT.width, height: 1700 });
    await page.getByTestId('import-panel').screenshot({ path: join(SCREENSHOT_DIR, 'import-mapping.png') });
    await page.setViewportSize(VIEWPORT);
  });

  it('imports with Enter on a select: the items land with their images, bad rows grouped by reason', async () => {
    await page.getByTestId('map-images').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('import-report').waitFor({ timeout: 60_000 });
    expect(await numberIn(page, 'import-added')).toBe(GOOD_ROWS.length);
    expect(await numberIn(page, 'import-error-count')).toBe(ORPHANS.length);
    expect(await page.getByTestId('import-read-as').textContent()).toBe('Read as column mapping · JSON Lines');

    // 22 rejected rows for one reason: one line with the count and the first line numbers.
    expect(await page.getByTestId('import-reason').count()).toBe(1);
    expect(await page.getByTestId('import-reason-count').textContent()).toBe('22 ×');
    expect(await page.getByTestId('import-reason-text').textContent()).toBe('mapped column "question" (prompt) is missing in this row (the row has good, bad)');
    expect(await page.getByTestId('import-reason').textContent()).toContain('lines 5, 6, 7, 8, 9, …');
    expect(await page.getByTestId('import-error-line').count()).toBe(0);
    mkdirSync(join(REPO_ROOT, 'test-results', 'screenshots'), { recursive: true });
    await page.getByTestId('import-report').screenshot({ path: join(REPO_ROOT, 'test-results', 'screenshots', 'import-mapping-report.png') });
    await page.getByTestId('import-errors-show-all').click();
    expect(await page.getByTestId('import-error-line').count()).toBe(ORPHANS.length);
    expect(await page.getByTestId('import-error-line').last().textContent()).toBe(
      'odd-prefs.jsonl:26: mapped column "question" (prompt) is missing in this row (the row has good, bad)',
    );

    const items = queryProject<{ query: string; responses: string; ranking: string; images: number; metadata: string | null }>(
      projectDir,
      `SELECT items.query AS query,
              (SELECT json_group_array(text) FROM (SELECT text FROM responses WHERE item_rowid = items.rowid ORDER BY idx)) AS responses,
              (SELECT ranking_json FROM judgments WHERE item_rowid = items.rowid) AS ranking,
              (SELECT COUNT(*) FROM item_images WHERE item_rowid = items.rowid) AS images,
              items.metadata_json AS metadata
         FROM items WHERE items.source_file = ? AND deleted_at IS NULL ORDER BY items.rowid`,
      dataFile,
    );
    expect(items.map((item) => [item.query, JSON.parse(item.responses), JSON.parse(item.ranking), item.images, JSON.parse(item.metadata ?? 'null')])).toEqual(
      GOOD_ROWS.map((row) => [row.question, [row.good, row.bad], [0, 1], row.pic === undefined ? 0 : 1, { team: row.team }]),
    );
  });

  it('brings the mapping back when a file of the same name is chosen again', async () => {
    // Another folder, the same file name, a fresh page: only the name ties them.
    const elsewhere = join(tempFolder('again'), 'odd-prefs.jsonl');
    copyFileSync(dataFile, elsewhere);
    await page.reload();
    await page.getByTestId('home').waitFor();
    await page.getByTestId('import-file').fill(elsewhere);
    await page.getByTestId('column-mapping').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('map-prompt').inputValue()).toBe('question');
    expect(await page.getByTestId('map-response-0').inputValue()).toBe('good');
    expect(await page.getByTestId('map-response-1').inputValue()).toBe('bad');
    expect(await page.getByTestId('map-images').inputValue()).toBe('pic');
    expect(await page.getByTestId('mapping-state').textContent()).toBe('Importing through this mapping, remembered for odd-prefs.jsonl.');
    await expect.poll(() => parsedQueries(page)).toEqual(GOOD_ROWS.slice(0, 3).map((row) => row.question));
    // A remembered mapping is not "not recognised": the person already answered that.
    expect(await page.getByTestId('import-not-recognised').count()).toBe(0);

    // A different name starts empty again; "Clear mapping" forgets the remembered one.
    await page.getByTestId('import-file').fill(join(elsewhere, '..', 'missing.jsonl'));
    await page.getByTestId('import-preview-error').waitFor();
    await page.getByTestId('import-file').fill(elsewhere);
    await page.getByTestId('mapping-clear').waitFor();
    await page.getByTestId('mapping-clear').click();
    await page.getByTestId('import-not-recognised').waitFor();
    await page.reload();
    await page.getByTestId('home').waitFor();
    await page.getByTestId('import-file').fill(elsewhere);
    await page.getByTestId('import-not-recognised').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('map-prompt').inputValue()).toBe('');
    expect(opened?.ui.problems ?? []).toEqual([]);
  });

  it('an uploaded file nothing recognises is not imported at once: the panel asks for the mapping, remembered by its own name', async () => {
    const itemsBefore = queryProject<{ n: number }>(projectDir, 'SELECT COUNT(*) AS n FROM items')[0]?.n;
    const renamed = join(tempFolder('upload'), 'uploaded-odd.jsonl');
    copyFileSync(dataFile, renamed);
    await page.getByTestId('import-upload').setInputFiles(renamed);
    // The previous file may still show "not recognised": first wait for the upload to land in the field.
    // The stored upload is <stamp>-uploaded-odd.jsonl; the mapping is remembered for the name the person knows.
    await expect
      .poll(() => page.getByTestId('import-file').inputValue(), { timeout: 30_000 })
      .toMatch(/cache[\\/]uploads[\\/]\d{8}-\d{6}-uploaded-odd\.jsonl$/);
    const uploaded = await page.getByTestId('import-file').inputValue();
    // …and for the preview of that file (not the previous one) before reading its verdict.
    await expect.poll(() => page.getByTestId('import-preview').getAttribute('data-file'), { timeout: 30_000 }).toBe(uploaded);
    expect(await page.getByTestId('import-not-recognised').count()).toBe(1);
    await expect.poll(() => page.getByTestId('map-prompt').inputValue()).toBe('');
    await page.getByTestId('map-prompt').selectOption('question');
    await page.getByTestId('map-response-0').selectOption('good');
    await page.getByTestId('map-response-1').selectOption('bad');
    await expect.poll(() => page.getByTestId('mapping-state').textContent()).toBe('Importing through this mapping, remembered for uploaded-odd.jsonl.');
    expect(await page.getByTestId('import-report').count()).toBe(0);
    expect(queryProject<{ n: number }>(projectDir, 'SELECT COUNT(*) AS n FROM items')[0]?.n).toBe(itemsBefore);

    // The same file uploaded again (stored under a new name) waits for the remembered mapping instead of failing.
    await page.getByTestId('import-upload').setInputFiles(renamed);
    await expect.poll(() => page.getByTestId('import-file').inputValue(), { timeout: 30_000 }).not.toBe(uploaded);
    const again = await page.getByTestId('import-file').inputValue();
    await expect.poll(() => page.getByTestId('import-preview').getAttribute('data-file'), { timeout: 30_000 }).toBe(again);
    await expect.poll(() => page.getByTestId('mapping-state').textContent()).toBe('Importing through this mapping, remembered for uploaded-odd.jsonl.');
    expect(await page.getByTestId('map-prompt').inputValue()).toBe('question');
    // An import would have started right after the upload's own check; give it the time one takes.
    await page.waitForTimeout(1500);
    expect(await page.getByTestId('import-report').count()).toBe(0);
    expect(queryProject<{ n: number }>(projectDir, 'SELECT COUNT(*) AS n FROM items')[0]?.n).toBe(itemsBefore);
    await page.getByTestId('mapping-clear').click();
  });

  it('shows a recognised file with its format and fit, and starts the mapping from that reader', async () => {
    const trlFile = join(tempFolder('trl'), 'dpo.jsonl');
    writeFileSync(trlFile, [{ prompt: 'What is 2+2?', chosen: '4', rejected: '5' }, { prompt: 'Capital of France?', chosen: 'Paris', rejected: 'Lyon' }].map((row) => JSON.stringify(row)).join('\n'));
    await page.getByTestId('import-file').fill(trlFile);
    await expect.poll(() => page.getByTestId('import-detected').textContent()).toBe('TRL preference (chosen / rejected) · 100% fit · JSON Lines');
    expect(await page.getByTestId('import-not-recognised').count()).toBe(0);
    expect(await page.getByTestId('column-mapping').count()).toBe(0);
    expect(await parsedQueries(page)).toEqual(['What is 2+2?', 'Capital of France?']);
    expect(await page.locator('.parsed-title').textContent()).toBe('First rows, as TRL preference (chosen / rejected) reads them');
    await page.getByTestId('map-columns-toggle').click();
    expect(await page.getByTestId('map-prompt').inputValue()).toBe('prompt');
    expect([await page.getByTestId('map-response-0').inputValue(), await page.getByTestId('map-response-1').inputValue()]).toEqual(['chosen', 'rejected']);
    expect(await page.getByTestId('mapping-state').textContent()).toBe('Filled in from TRL preference (chosen / rejected); change a column to import through the mapping.');
  });
});
