/**
 * The sample project in the real UI: Home shows its counts, Items shows rows with thumbnails that
 * actually decode, the detail shows the full image, responses with ranks and judgments, and the
 * keyboard moves through the list. Also takes the README screenshots (see SCREENSHOT_DIR).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioPage } from './harness/browser';
import { openSampleStudio, type SampleStudio } from './harness/sample-studio';
import { REPO_ROOT } from './harness/renderer-build';
import type { RunningStudio } from './harness/studio-process';

/**
 * The README's screenshots are refreshed on request (`UPDATE_SCREENSHOTS=1 npm run test:e2e`);
 * a plain test run writes them under test-results/ so it never leaves tracked files modified.
 */
const SCREENSHOT_DIR = process.env.UPDATE_SCREENSHOTS
  ? join(REPO_ROOT, 'docs', 'screenshots')
  : join(REPO_ROOT, 'test-results', 'screenshots');

async function naturalWidth(page: Page, testId: string): Promise<number> {
  const image = page.getByTestId(testId).first();
  await image.waitFor();
  // Wait for decoding, not just the element: naturalWidth is 0 until the bytes arrived and decoded.
  await expect.poll(() => image.evaluate((element) => (element as HTMLImageElement).complete), { timeout: 15_000 }).toBe(true);
  return image.evaluate((element) => (element as HTMLImageElement).naturalWidth);
}

describe('sample project in the browser UI', () => {
  let studio: RunningStudio;
  let browser: Browser;
  let ui: StudioPage;
  let opened: SampleStudio | undefined;

  beforeAll(async () => {
    opened = await openSampleStudio();
    ({ studio, browser, ui } = opened);
  });

  afterAll(async () => {
    await opened?.close();
  });

  it('opens on Home with the project counts', async () => {
    const { page } = ui;
    await page.getByTestId('home').waitFor();
    await expect.poll(() => page.getByTestId('project-name').textContent()).toMatch(/\S/);
    const items = Number((await page.getByTestId('stat-items-value').textContent())?.replace(/\D/g, ''));
    const labeled = Number((await page.getByTestId('stat-labeled-value').textContent())?.replace(/\D/g, ''));
    expect(items).toBeGreaterThan(0);
    expect(labeled).toBeGreaterThan(0);
    expect(labeled).toBeLessThanOrEqual(items);
    const perSplit = await Promise.all(
      ['train', 'val', 'test'].map(async (split) => Number((await page.getByTestId(`split-${split}-items`).textContent())?.replace(/\D/g, ''))),
    );
    expect(perSplit.reduce((a, b) => a + b, 0)).toBe(items);
    expect(await page.getByTestId('annotator-row').count()).toBeGreaterThan(0);
    // The token left the address bar; the session keeps it.
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);
  });

  it('leads a newcomer from Home: the steps show the project as it is, each one click from its view', async () => {
    const { page } = ui;
    const done = (id: string) => page.getByTestId(`first-step-${id}`).getAttribute('data-done');
    await page.getByTestId('first-steps').waitFor();
    // The sample project: items in, a third judged, no name yet (fresh settings), no run, no comparison.
    await expect.poll(() => done('train')).toBe('false');
    expect(await done('import')).toBe('true');
    expect(await done('judge')).toBe('true');
    expect(await done('name')).toBe('false');
    expect(await done('compare')).toBe('false');
    expect(await page.getByTestId('start-annotating').textContent()).toBe('Start annotating (240 to do)');
    mkdirSync(join(REPO_ROOT, 'test-results', 'screenshots'), { recursive: true });
    await page.screenshot({ path: join(REPO_ROOT, 'test-results', 'screenshots', 'home-first-steps.png') });

    const current = () => page.locator('[data-testid^="nav-"][aria-current="page"]').getAttribute('data-testid');
    await page.getByTestId('first-step-train-go').click();
    await expect.poll(current).toBe('nav-train');
    await page.goBack();
    await expect.poll(current).toBe('nav-home');
    // Start annotating: the queue asks the name first; then the name step is ticked.
    await page.getByTestId('start-annotating').click();
    await expect.poll(current).toBe('nav-annotate');
    await page.getByTestId('settings-dialog').waitFor();
    await page.keyboard.type('newcomer');
    await page.keyboard.press('Enter');
    await page.getByTestId('settings-dialog').waitFor({ state: 'detached' });
    await page.getByTestId('nav-home').click();
    await expect.poll(() => done('name')).toBe('true');
  });

  it('lists items with decoded thumbnails and shows the selected item in full', async () => {
    const { page } = ui;
    await page.getByTestId('nav-items').click();
    await page.getByTestId('item-row').first().waitFor();
    expect(await naturalWidth(page, 'item-thumb')).toBeGreaterThan(0);

    const detail = page.getByTestId('item-detail');
    await detail.waitFor();
    expect(await naturalWidth(page, 'detail-image')).toBeGreaterThan(0);
    expect((await page.getByTestId('detail-query').textContent())?.trim()).not.toBe('');
    expect(await page.getByTestId('detail-response').count()).toBeGreaterThanOrEqual(2);
    const total = Number((await page.getByTestId('items-total').textContent())?.replace(/\D/g, ''));
    expect(total).toBeGreaterThan(1);
  });

  it('moves through the list with j/k and focuses the search with /', async () => {
    const { page } = ui;
    const detail = page.getByTestId('item-detail');
    const first = await page.getByTestId('item-row').nth(0).getAttribute('data-item-id');
    const second = await page.getByTestId('item-row').nth(1).getAttribute('data-item-id');
    await page.getByTestId('item-row').nth(0).click();
    await expect.poll(() => detail.getAttribute('data-item-id')).toBe(first);
    await page.keyboard.press('j');
    await expect.poll(() => detail.getAttribute('data-item-id')).toBe(second);
    await page.keyboard.press('k');
    await expect.poll(() => detail.getAttribute('data-item-id')).toBe(first);
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('items-search');
    await page.keyboard.press('Escape');
  });

  it('shows a labeled item with its ranking and judgments', async () => {
    const { page } = ui;
    await page.getByTestId('items-filter-status-labeled').click();
    await expect.poll(() => page.getByTestId('item-row').first().getAttribute('data-item-id')).toBeTruthy();
    await page.getByTestId('item-row').first().click();
    const detail = page.getByTestId('item-detail');
    const id = await page.getByTestId('item-row').first().getAttribute('data-item-id');
    await expect.poll(() => detail.getAttribute('data-item-id')).toBe(id);
    await expect.poll(() => page.getByTestId('detail-judgment').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('detail-rank').count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByTestId('detail-order').textContent()).toMatch(/^[A-Z]( [>=] [A-Z])+/);
    await page.getByTestId('items-filter-status-all').click();
  });

  it('writes the README screenshots at 1440x900', async () => {
    const { page } = ui;
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.getByTestId('nav-items').click();
    // From the top of the list, a labeled item ranking three or more responses (it shows the most
    // of the detail view), picked among the rows on screen.
    const list = page.getByTestId('item-list');
    await list.evaluate((element) => (element.scrollTop = 0));
    const pick = await list.evaluate((element) => {
      const onScreen = [...element.querySelectorAll<HTMLElement>('[data-testid="item-row"]')].filter(
        (row) => row.offsetTop + row.offsetHeight <= element.clientHeight,
      );
      const ranked = onScreen.find((row) => row.dataset.status === 'labeled' && row.dataset.responseCount !== '2');
      return (ranked ?? onScreen.find((row) => row.dataset.status === 'labeled') ?? onScreen[0])?.dataset.itemId ?? null;
    });
    expect(pick).not.toBeNull();
    await page.locator(`[data-testid="item-row"][data-item-id="${pick}"]`).click();
    await page.getByTestId('item-detail').waitFor();
    await naturalWidth(page, 'detail-image');
    // Let lazy thumbnails below the first rows finish, so the shot has no grey squares.
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'items.png') });

    await page.getByTestId('nav-home').click();
    await page.getByTestId('home').waitFor();
    await page.getByTestId('past-imports').waitFor();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'home.png') });
  });

  it('Back and Forward walk the views as in any web app; moving between items replaces the entry', async () => {
    const { page } = ui;
    const current = () => page.locator('[data-testid^="nav-"][aria-current="page"]').getAttribute('data-testid');
    await page.getByTestId('nav-home').click();
    await page.getByTestId('home').waitFor();
    await page.getByTestId('nav-items').click();
    await page.getByTestId('item-row').nth(0).click();
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    const third = await page.getByTestId('item-row').nth(2).getAttribute('data-item-id');
    await expect.poll(() => page.getByTestId('item-detail').getAttribute('data-item-id')).toBe(third);
    await page.getByTestId('nav-runs').click();
    await expect.poll(current).toBe('nav-runs');
    await page.getByTestId('nav-evaluate').click();
    await expect.poll(current).toBe('nav-evaluate');

    await page.goBack();
    await expect.poll(current).toBe('nav-runs');
    // One step back from Runs is Items on the item last shown, not each item passed on the way.
    await page.goBack();
    await expect.poll(current).toBe('nav-items');
    await expect.poll(() => page.getByTestId('item-detail').getAttribute('data-item-id')).toBe(third);
    await page.goBack();
    await expect.poll(current).toBe('nav-home');
    await page.goForward();
    await expect.poll(current).toBe('nav-items');
    expect(new URL(page.url()).hash).toBe(`#/items/${encodeURIComponent(third ?? '')}`);
    // A reload lands on the same place.
    await page.reload();
    await expect.poll(current).toBe('nav-items');
    await expect.poll(() => page.getByTestId('item-detail').getAttribute('data-item-id')).toBe(third);
  });

  it('had no console errors or failed requests', () => {
    expect(ui.problems).toEqual([]);
  });

  it('shows the disconnected banner when the server goes away, and says why actions fail', async () => {
    const { page } = ui;
    await studio.stop();
    const banner = page.getByTestId('connection-banner');
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.textContent()).toContain('Disconnected from the studio server — reconnecting');
    await page.getByTestId('nav-items').click();
    await page.getByTestId('items-filter-split-val').click();
    await page.getByTestId('items-error').waitFor();
    expect(await page.getByTestId('items-error').textContent()).toContain('reconnecting');
  });
});
