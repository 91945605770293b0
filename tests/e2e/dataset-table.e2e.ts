/**
 * The dataset table's multi-select and bulk actions, and the browser's file upload on Home, in
 * the real UI against a real server — checked in project.sqlite, not just on screen.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioPage } from './harness/browser';
import { openSampleStudio, type SampleStudio } from './harness/sample-studio';
import { queryProject } from './harness/project-db';
import { tempFolder } from './harness/temp-folders';
import type { RunningStudio } from './harness/studio-process';

async function rowIds(page: Page, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) ids.push((await page.getByTestId('item-row').nth(index).getAttribute('data-item-id')) as string);
  return ids;
}

describe('dataset table and upload in the browser UI', () => {
  let studio: RunningStudio;
  let browser: Browser;
  let ui: StudioPage;
  let opened: SampleStudio | undefined;
  let projectDir: string;

  beforeAll(async () => {
    opened = await openSampleStudio();
    ({ studio, browser, ui } = opened);
    projectDir = opened.projectDir;
  });

  afterAll(async () => {
    await opened?.close();
  });

  it('selects with click, shift-click and ctrl-click, and moves the selection to another split', async () => {
    const { page } = ui;
    await page.getByTestId('nav-items').click();
    await page.getByTestId('item-row').nth(6).waitFor();
    const ids = await rowIds(page, 6);
    await page.getByTestId('item-row').nth(0).click();
    await page.getByTestId('item-row').nth(3).click({ modifiers: ['Shift'] });
    await page.getByTestId('item-row').nth(1).click({ modifiers: ['Control'] });
    await page.getByTestId('item-row').nth(5).click({ modifiers: ['Control'] });
    await expect.poll(() => page.getByTestId('bulk-count').textContent()).toBe('4 selected');
    const chosen = [ids[0], ids[2], ids[3], ids[5]] as string[];
    await page.getByTestId('bulk-split').selectOption('test');
    await expect.poll(() => queryProject<{ id: string }>(projectDir, "SELECT id FROM items WHERE split = 'test' ORDER BY id").map((row) => row.id)).toEqual([...chosen].sort());
    await expect.poll(() => page.locator(`[data-testid="item-row"][data-item-id="${chosen[0]}"] [data-testid="item-split"]`).textContent()).toBe('test');
  });

  it('selects all matching, flags them, and filters by flag', async () => {
    const { page } = ui;
    await page.getByTestId('items-filter-split-val').click();
    await expect.poll(() => page.getByTestId('item-row').first().getAttribute('data-item-id')).toBeTruthy();
    const valCount = queryProject<{ n: number }>(projectDir, "SELECT COUNT(*) AS n FROM items WHERE split = 'val' AND deleted_at IS NULL")[0]?.n ?? 0;
    await page.getByTestId('item-row').first().click();
    await page.getByTestId('bulk-select-all').click();
    await expect.poll(() => page.getByTestId('bulk-count').textContent()).toBe(`${valCount} selected`);
    await page.getByTestId('bulk-flag').click();
    await expect.poll(() => queryProject<{ n: number }>(projectDir, 'SELECT COUNT(*) AS n FROM items WHERE flagged = 1')[0]?.n).toBe(valCount);
    await page.getByTestId('items-filter-split-all').click();
    await page.getByTestId('items-filter-flagged').click();
    await expect.poll(() => page.getByTestId('items-total').textContent()).toBe(`${valCount} items`);
    await page.getByTestId('items-filter-flagged').click();
    // The next test reads rows by position: wait until the unfiltered list is back.
    const all = queryProject<{ n: number }>(projectDir, 'SELECT COUNT(*) AS n FROM items WHERE deleted_at IS NULL')[0]?.n ?? 0;
    await expect.poll(() => page.getByTestId('items-total').textContent()).toBe(`${all} items`);
  });

  it('deletes only after confirmation', async () => {
    const { page } = ui;
    await page.getByTestId('item-row').nth(2).waitFor();
    const before = queryProject<{ n: number }>(projectDir, 'SELECT COUNT(*) AS n FROM items WHERE deleted_at IS NULL')[0]?.n ?? 0;
    await page.getByTestId('item-row').nth(0).click();
    await page.getByTestId('item-row').nth(1).click({ modifiers: ['Shift'] });
    await expect.poll(() => page.getByTestId('bulk-count').textContent()).toBe('2 selected');
    // The ids of what is selected, read after selecting: the rows a person saw when confirming.
    const selected = page.locator('[data-testid="item-row"][aria-selected="true"]');
    const [first, second] = await selected.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-item-id') as string));
    await page.getByTestId('bulk-delete').click();
    await page.getByTestId('bulk-delete-confirm').waitFor();
    expect(queryProject<{ n: number }>(projectDir, 'SELECT COUNT(*) AS n FROM items WHERE deleted_at IS NULL')[0]?.n).toBe(before);
    await page.getByTestId('bulk-delete-confirm-button').click();
    await expect.poll(() => queryProject<{ n: number }>(projectDir, 'SELECT COUNT(*) AS n FROM items WHERE deleted_at IS NULL')[0]?.n).toBe(before - 2);
    const gone = queryProject<{ id: string }>(projectDir, 'SELECT id FROM items WHERE deleted_at IS NOT NULL ORDER BY id').map((row) => row.id);
    expect(gone).toEqual([first, second].sort());
    await expect.poll(() => page.getByTestId('items-total').textContent()).toBe(`${before - 2} items`);
  });

  it('uploads a JSONL file from the browser and imports it', async () => {
    const { page } = ui;
    const dataDir = tempFolder('upload');
    mkdirSync(join(dataDir, 'images'), { recursive: true });
    const image = join(dataDir, 'images', 'teal.png');
    await sharp({ create: { width: 32, height: 24, channels: 3, background: { r: 20, g: 160, b: 150 } } }).png().toFile(image);
    const file = join(dataDir, 'uploaded.jsonl');
    // Absolute image path: an uploaded file no longer sits next to its images.
    writeFileSync(file, `${JSON.stringify({ id: 'uploaded-1', query: 'What colour?', image, response: ['Teal.', 'Red.'], human_ranking: [0, 1] })}\n`);
    await page.getByTestId('nav-home').click();
    await page.getByTestId('import-upload').setInputFiles(file);
    await page.getByTestId('import-report').waitFor({ timeout: 60_000 });
    expect(Number((await page.getByTestId('import-added').textContent())?.replace(/\D/g, ''))).toBe(1);
    expect(queryProject<{ id: string }>(projectDir, "SELECT id FROM items WHERE id = 'uploaded-1'")).toHaveLength(1);
    expect(await page.getByTestId('import-file').inputValue()).toMatch(/uploaded\.jsonl$/);
  });

  it('had no console errors or failed requests', () => {
    expect(ui.problems).toEqual([]);
  });
});
