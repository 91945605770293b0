/**
 * Getting data in and out through the real UI: create an empty project from the project
 * switcher, import a JSONL file with good and bad rows (real images on disk), read the report's
 * exact `file:line: reason` lines, then export seed JSONL and read the file back.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openStudioPage, type StudioPage } from './harness/browser';
import { openContractSocket } from './harness/contract-socket';
import { runCli, startServe, type RunningStudio } from './harness/studio-process';
import { REPO_ROOT } from './harness/renderer-build';
import { removeTempFolders, tempFolder } from './harness/temp-folders';

/** For a person to look at (not compared): test-results/screenshots/. */
const SHOTS = join(REPO_ROOT, 'test-results', 'screenshots');
mkdirSync(SHOTS, { recursive: true });

async function writePng(path: string, width: number, height: number, colour: { r: number; g: number; b: number }): Promise<Buffer> {
  mkdirSync(dirname(path), { recursive: true });
  const bytes = await sharp({ create: { width, height, channels: 3, background: colour } }).png().toBuffer();
  writeFileSync(path, bytes);
  return bytes;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function numberIn(page: Page, testId: string): Promise<number> {
  return Number((await page.getByTestId(testId).textContent())?.replace(/\D/g, ''));
}

/** The rows that should land, exactly as the export must give them back. */
const GOOD_ROWS = [
  { id: 'red-square', query: 'What colour is the square?', image: 'images/red.png', response: ['Red.', 'Blue.'], human_ranking: [0, 1] },
  {
    id: 'blue-three',
    query: 'Which answer describes the image best?',
    image: 'images/blue.png',
    response: ['A green circle.', 'A blue rectangle.', 'A blue shape.'],
    human_ranking: [1, 0, 1],
  },
];
const UNLABELED_ROW = { id: 'not-judged', query: 'Is anything here?', image: 'images/red.png', response: ['Yes.', 'No.'], human_ranking: null };

describe('import and export in the browser UI', () => {
  let studio: RunningStudio;
  let browser: Browser;
  let ui: StudioPage;
  let dataDir: string;
  let dataFile: string;
  let images: Record<string, Buffer>;
  let exportDir: string;

  beforeAll(async () => {
    const home = tempFolder('home');
    const sampleDir = join(tempFolder('sample'), 'sample-project');
    await runCli(home, ['sample-project', sampleDir]);

    const root = tempFolder('data');
    dataDir = join(root, 'data');
    images = {
      'images/red.png': await writePng(join(dataDir, 'images', 'red.png'), 64, 48, { r: 210, g: 40, b: 40 }),
      'images/blue.png': await writePng(join(dataDir, 'images', 'blue.png'), 40, 64, { r: 40, g: 80, b: 210 }),
    };
    await writePng(join(root, 'outside.png'), 8, 8, { r: 0, g: 0, b: 0 });
    const [red, blue] = GOOD_ROWS;
    dataFile = join(dataDir, 'mixed.jsonl');
    const lines = [
      JSON.stringify(red), // 1: good
      '{"id": "broken", "query": ', // 2: malformed JSON
      JSON.stringify({ id: 'no-query', image: 'images/red.png', response: ['a', 'b'], human_ranking: [0, 1] }), // 3: missing field
      JSON.stringify({ id: 'arity', query: 'q', image: 'images/red.png', response: ['a', 'b'], human_ranking: [0, 1, 2] }), // 4: arity
      JSON.stringify({ id: 'missing-image', query: 'q', image: 'images/nope.png', response: ['a', 'b'], human_ranking: [0, 1] }), // 5
      JSON.stringify({ id: 'escape', query: 'q', image: '../outside.png', response: ['a', 'b'], human_ranking: [0, 1] }), // 6: ../
      JSON.stringify(blue), // 7: good, three responses with a tie
      JSON.stringify(UNLABELED_ROW), // 8: good, unlabeled
    ];
    writeFileSync(dataFile, `${lines.join('\n')}\n`);
    exportDir = join(tempFolder('export'), 'out');

    studio = await startServe({ home, project: sampleDir });
    browser = await launchBrowser();
    ui = await openStudioPage(browser, studio.url);
  });

  afterAll(async () => {
    await ui?.context.close();
    await browser?.close();
    await studio?.stop();
    removeTempFolders();
  });

  it('creates an empty project from the project switcher', async () => {
    const { page } = ui;
    const projectDir = join(tempFolder('project'), 'imported');
    await page.getByTestId('project-switcher').click();
    await page.getByTestId('create-project-name').fill('Import test');
    await page.getByTestId('create-project-path').fill(projectDir);
    await page.getByTestId('create-project-submit').click();
    await expect.poll(() => page.getByTestId('project-name').textContent()).toBe('Import test');
    await page.getByTestId('home').waitFor();
    expect(await numberIn(page, 'stat-items-value')).toBe(0);
    await page.getByTestId('past-imports-empty').waitFor();
  });

  it('imports a file with bad rows and shows each as file:line: reason', async () => {
    const { page } = ui;
    await page.getByTestId('import-file').fill(dataFile);
    await page.getByTestId('import-submit').click();
    const report = page.getByTestId('import-report');
    await report.waitFor({ timeout: 60_000 });

    expect(await numberIn(page, 'import-added')).toBe(3);
    expect(await numberIn(page, 'import-unchanged')).toBe(0);
    expect(await numberIn(page, 'import-error-count')).toBe(5);
    const lines = await page.getByTestId('import-error-line').allTextContents();
    expect(lines).toEqual([
      'mixed.jsonl:2: malformed JSON; each line must be one complete JSON object',
      'mixed.jsonl:3: missing field "query"; add the question asked about the image',
      'mixed.jsonl:4: human_ranking has 3 entries but there are 2 responses; give one rank per response',
      `mixed.jsonl:5: image not found at ${join(dataDir, 'images', 'nope.png')}; check the path (relative paths are resolved from the data file's folder)`,
      `mixed.jsonl:6: image path "../outside.png" escapes the data folder ${dataDir}; move the image into that folder (or a subfolder) and fix the path`,
    ]);

    // The counts everywhere follow the import (projects.onChanged), and the import is in the history.
    await expect.poll(() => numberIn(page, 'stat-items-value')).toBe(3);
    await expect.poll(() => numberIn(page, 'stat-labeled-value')).toBe(2);
    await expect.poll(() => page.getByTestId('past-import').count()).toBe(1);
  });

  it('shows the imported items, with their images and the tie', async () => {
    const { page } = ui;
    await page.getByTestId('nav-items').click();
    await expect.poll(() => numberIn(page, 'items-total')).toBe(3);
    expect((await page.getByTestId('item-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-item-id')))).sort()).toEqual(
      ['blue-three', 'not-judged', 'red-square'],
    );
    await page.locator('[data-testid="item-row"][data-item-id="blue-three"]').click();
    const detail = page.getByTestId('item-detail');
    await expect.poll(() => detail.getAttribute('data-item-id')).toBe('blue-three');
    const image = page.getByTestId('detail-image');
    await expect.poll(() => image.evaluate((element) => (element as HTMLImageElement).naturalWidth)).toBe(40);
    expect(await page.getByTestId('detail-order').textContent()).toMatch(/^B > A = C/);
    expect(await page.getByTestId('detail-rank').allTextContents()).toEqual(['2nd · tie', '1st · best', '2nd · tie']);

    await page.getByTestId('items-search').fill('colour');
    await expect.poll(() => numberIn(page, 'items-total')).toBe(1);
    await page.getByTestId('items-search').fill('');
    await page.getByTestId('nav-home').click();
  });

  it('exports seed JSONL with copied images and reads the file back', async () => {
    const { page } = ui;
    const out = join(exportDir, 'labeled.jsonl');
    await page.getByTestId('export-format').selectOption('seed');
    await page.getByTestId('export-split').selectOption('all');
    await page.getByTestId('export-images-mode').selectOption('copy');
    await page.getByTestId('export-out-path').fill(out);
    await page.getByTestId('export-submit').click();
    await page.getByTestId('export-report').waitFor({ timeout: 60_000 });
    expect(await numberIn(page, 'export-rows')).toBe(2);
    expect(await numberIn(page, 'export-images')).toBe(2);
    expect(await page.getByTestId('export-out').textContent()).toBe(out);

    const rows = readFileSync(out, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows.map((row) => row.id).sort()).toEqual(['blue-three', 'red-square']);
    for (const row of rows) {
      const source = GOOD_ROWS.find((good) => good.id === row.id);
      if (!source) throw new Error(`unexpected row ${String(row.id)}`);
      expect(Object.keys(row)).toEqual(['id', 'query', 'image', 'response', 'human_ranking']);
      expect(row).toMatchObject({ id: source.id, query: source.query, response: source.response, human_ranking: source.human_ranking });
      const imagePath = row.image;
      expect(typeof imagePath).toBe('string');
      if (typeof imagePath !== 'string') continue;
      expect(isAbsolute(imagePath)).toBe(false);
      const copied = join(dirname(out), imagePath);
      expect(existsSync(copied)).toBe(true);
      const original = images[source.image];
      if (!original) throw new Error(`no source bytes for ${source.image}`);
      expect(sha256(readFileSync(copied))).toBe(sha256(original));
    }
  });

  it('exports unlabeled items too when asked, with human_ranking null', async () => {
    const { page } = ui;
    const out = join(exportDir, 'everything.jsonl');
    await page.getByTestId('export-include-unlabeled').check();
    await page.getByTestId('export-out-path').fill(out);
    await page.getByTestId('export-submit').click();
    await expect.poll(() => page.getByTestId('export-out').textContent(), { timeout: 60_000 }).toBe(out);
    expect(await numberIn(page, 'export-rows')).toBe(3);
    const rows = readFileSync(out, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows.find((row) => row.id === 'not-judged')).toMatchObject({ human_ranking: null, response: UNLABELED_ROW.response });
  });

  it('asks before replacing an existing file: Cancel keeps it, Replace writes the export', async () => {
    const { page } = ui;
    const out = join(exportDir, 'mine.jsonl');
    writeFileSync(out, 'my own notes\n');
    await page.getByTestId('export-include-unlabeled').uncheck();
    await page.getByTestId('export-out-path').fill(out);
    await page.getByTestId('export-submit').click();
    const confirm = page.getByTestId('export-replace-confirm');
    await confirm.waitFor({ timeout: 60_000 });
    expect(await confirm.textContent()).toContain(`${out} exists. Replace it?`);
    await confirm.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'export-replace-confirm.png') });
    await page.getByTestId('export-replace-cancel').click();
    await expect.poll(() => confirm.count()).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('my own notes\n');

    await page.getByTestId('export-submit').click();
    await confirm.waitFor({ timeout: 60_000 });
    await page.getByTestId('export-replace-confirm-button').click();
    await expect.poll(() => page.getByTestId('export-out').textContent(), { timeout: 60_000 }).toBe(out);
    expect(await numberIn(page, 'export-rows')).toBe(2);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('asks about unresolved conflicts, and a browser user downloads the export (a zip with its images)', async () => {
    const { page } = ui;
    // A second annotator disagrees on red-square: a conflict no reviewer decided.
    const socket = await openContractSocket(studio.url);
    try {
      await socket.invoke('judgments.save', { itemId: 'red-square', annotator: 'zoe', ranking: [1, 0] });
    } finally {
      socket.close();
    }
    const choice = page.getByTestId('export-conflicts');
    await expect.poll(() => choice.textContent()).toContain('1 item where annotators disagree');
    expect(await page.getByTestId('export-conflicts-include').isChecked()).toBe(true);
    await page.getByTestId('export-conflicts-skip').check();
    await page.getByTestId('export-images-mode').selectOption('copy');
    await page.getByTestId('export-out-path').fill('download/agreed.jsonl');
    await page.getByTestId('export-submit').click();
    await expect.poll(() => page.getByTestId('export-report-conflicts').textContent(), { timeout: 60_000 }).toContain('Left out: 1 unresolved conflict (e.g. red-square)');
    expect(await numberIn(page, 'export-rows')).toBe(1);
    await page.getByTestId('export-download').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'export-download.png') });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
    expect(download.suggestedFilename()).toBe('agreed.zip');
    const saved = join(tempFolder('downloads'), 'agreed.zip');
    await download.saveAs(saved);
    const listing = JSON.parse(
      execFileSync('python3', ['-c', 'import json, sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(json.dumps({"bad": z.testzip(), "names": z.namelist(), "rows": z.read("agreed.jsonl").decode()}))', saved]).toString(),
    ) as { bad: string | null; names: string[]; rows: string };
    expect(listing.bad).toBeNull();
    const rows = listing.rows.trim().split('\n').map((line) => JSON.parse(line) as { id: string; image: string });
    expect(rows.map((row) => row.id)).toEqual(['blue-three']);
    expect(listing.names).toContain(rows[0]?.image);
  });

  it('re-splits after confirmation', async () => {
    const { page } = ui;
    await page.getByTestId('resplit-train').fill('0');
    await page.getByTestId('resplit-val').fill('0');
    await page.getByTestId('resplit-test').fill('100');
    await page.getByTestId('resplit-submit').click();
    await page.getByTestId('resplit-confirm').waitFor();
    expect(await numberIn(page, 'split-test-items')).toBe(0);
    await page.getByTestId('resplit-confirm-button').click();
    await expect.poll(() => numberIn(page, 'split-test-items')).toBe(3);
    expect(await numberIn(page, 'split-train-items')).toBe(0);
  });

  it('blocks a run with too few validation items and offers two fixes: train without validation, or re-split', async () => {
    const { page } = ui;
    await page.getByTestId('nav-train').click();
    const guard = page.getByTestId('train-validation-guard');
    await guard.waitFor({ timeout: 120_000 });
    expect(await guard.textContent()).toContain('has no labeled items to validate on');
    expect(await page.getByTestId('start-blockers').textContent()).toContain('to validate on');
    await guard.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'train-validation-guard.png') });

    await page.getByTestId('train-without-validation').click();
    await expect.poll(() => guard.count()).toBe(0);
    await page.getByTestId('train-no-validation').waitFor();
    expect(await page.getByTestId('split-val-val').isChecked()).toBe(false);
    expect((await page.getByTestId('start-blockers').textContent()) ?? '').not.toContain('to validate on');

    // Validating on val again brings the guard back; Re-split moves every item out of test.
    await page.getByTestId('split-val-val').check();
    await guard.waitFor();
    const testCounts = page.locator('label', { has: page.getByTestId('split-train-test') }).locator('.muted');
    expect(await testCounts.textContent()).toBe('2 of 3 labeled');
    await page.getByTestId('train-resplit').click();
    await expect.poll(() => testCounts.textContent(), { timeout: 30_000 }).toBe('0 of 0 labeled');
    expect(await page.getByTestId('split-train-train').isChecked()).toBe(true);
    expect(await page.getByTestId('split-val-val').isChecked()).toBe(true);
    await page.getByTestId('nav-home').click();
  });

  it('stops a long import with Stop import: the report says Stopped and the whole batches already in stay', async () => {
    const { page } = ui;
    const rows = 300_000;
    const large = join(tempFolder('large'), 'large.jsonl');
    const lines: string[] = [];
    for (let index = 0; index < rows; index++) lines.push(JSON.stringify({ id: `large-${index}`, query: `q${index}`, response: ['a', 'b'] }));
    writeFileSync(large, `${lines.join('\n')}\n`);
    await page.getByTestId('import-file').fill(large);
    await page.getByTestId('import-submit').click();
    const stop = page.getByTestId('import-stop');
    await stop.waitFor({ timeout: 60_000 });
    // Its progress is shown with it; stop once the first batch is in.
    await expect.poll(() => page.getByTestId('import-progress').textContent(), { timeout: 60_000 }).toMatch(/^[1-9][\d,]* rows/);
    await stop.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'import-stop.png') });
    await stop.click();
    const report = page.getByTestId('import-report');
    await report.waitFor({ timeout: 60_000 });
    expect(await report.locator('.report-status').textContent()).toBe('Stopped');
    await report.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'import-stopped-report.png') });
    expect(await stop.count()).toBe(0);
    const added = await numberIn(page, 'import-added');
    expect(added).toBeGreaterThan(0);
    expect(added).toBeLessThan(rows);
    expect(added % 1000).toBe(0);
    await expect.poll(() => numberIn(page, 'stat-items-value')).toBe(3 + added);
    await expect.poll(() => page.getByTestId('past-import').count()).toBe(2);
  });

  it('switches back to the sample project from the recent projects list', async () => {
    const { page } = ui;
    await page.getByTestId('project-switcher').click();
    const recent = page.getByTestId('recent-project');
    await expect.poll(() => recent.count()).toBeGreaterThanOrEqual(2);
    const sample = recent.filter({ hasText: 'sample-project' });
    await sample.click();
    await expect.poll(() => page.getByTestId('project-name').textContent()).not.toBe('Import test');
    await expect.poll(() => page.getByTestId('project-switcher-popover').count()).toBe(0);
    expect(await numberIn(page, 'stat-items-value')).toBeGreaterThan(3);
  });

  it('creates a project from Home: the form empties and the new Home shows from the top', async () => {
    const { page } = ui;
    await page.getByTestId('nav-home').click();
    const name = page.getByTestId('home-create-project-name');
    await name.scrollIntoViewIfNeeded();
    expect(await page.locator('.view').evaluate((view) => view.scrollTop)).toBeGreaterThan(0);
    await name.fill('Second project');
    await page.getByTestId('home-create-project-path').fill(join(tempFolder('second'), 'second'));
    await page.getByTestId('home-create-project-submit').click();
    await expect.poll(() => page.getByTestId('project-name').textContent()).toBe('Second project');
    await expect.poll(() => name.inputValue()).toBe('');
    expect(await page.getByTestId('home-create-project-path').inputValue()).toBe('');
    await expect.poll(() => page.locator('.view').evaluate((view) => view.scrollTop)).toBe(0);
  });

  it('had no console errors or failed requests', () => {
    expect(ui.problems).toEqual([]);
  });
});
