/**
 * Click-to-train in the real UI: on the sample project, the Tiny CPU preset, Train, and the real
 * worker (.venv; `npm run setup:worker` makes it) trains while the browser watches. The loss
 * chart must gain points while the run is running, the run must finish, and its checkpoint must
 * show in the list. Also takes the README's Run screenshot mid-run (UPDATE_SCREENSHOTS=1).
 *
 * How "the chart gains points" is read: every chart element carries `data-points`, the number of
 * raw points across its series in the renderer's series store (what arrived through runs.metrics
 * and runs.onMetrics), and `data-rendered-points`, what it handed to recharts after min/max
 * downsampling. The test also counts the SVG path's vertices, so a chart that held points but
 * drew nothing would fail too.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioPage } from './harness/browser';
import { openSampleStudio, type SampleStudio } from './harness/sample-studio';
import { REPO_ROOT } from './harness/renderer-build';
import type { RunningStudio } from './harness/studio-process';

const SCREENSHOT_DIR = process.env.UPDATE_SCREENSHOTS ? join(REPO_ROOT, 'docs', 'screenshots') : join(REPO_ROOT, 'test-results', 'screenshots');
const VENV_PYTHON = join(REPO_ROOT, '.venv', 'bin', 'python');
const RUN_TIMEOUT_MS = 240_000;
/**
 * The Tiny CPU preset runs 4 epochs over the sample project's labeled train items; the test caps
 * the run through the form
 * (which also checks that an edit after choosing a preset reaches the worker): 60 steps, i.e.
 * four epochs with an evaluation and a checkpoint after each.
 */
const E2E_MAX_STEPS = 60;

async function chartPoints(page: Page, chartId: string): Promise<number> {
  return Number((await page.getByTestId(`chart-${chartId}`).getAttribute('data-points')) ?? '0');
}

/** Vertices of the drawn lines of one chart (an SVG path's M/L commands). */
async function drawnVertices(page: Page, chartId: string): Promise<number> {
  return page.getByTestId(`chart-${chartId}`).evaluate((element) => {
    let count = 0;
    for (const path of element.querySelectorAll('path.series-path')) count += (path.getAttribute('d')?.match(/[ML]/g) ?? []).length;
    return count;
  });
}

async function runStatus(page: Page): Promise<string | null> {
  return page.getByTestId('run-header').getAttribute('data-status');
}

describe('training from the browser UI', () => {
  let studio: RunningStudio;
  let browser: Browser;
  let ui: StudioPage;
  let opened: SampleStudio | undefined;

  beforeAll(async () => {
    // Never skipped: without the worker this capability is broken, and the test says how to fix it.
    if (!existsSync(VENV_PYTHON)) throw new Error(`No training environment at ${VENV_PYTHON}: run "npm run setup:worker" first.`);
    opened = await openSampleStudio();
    ({ studio, browser, ui } = opened);
  });

  afterAll(async () => {
    await opened?.close();
  });

  it('shows the environment, the presets and every worker option', async () => {
    const { page } = ui;
    await page.getByTestId('nav-train').click();
    await page.getByTestId('train-view').waitFor();
    await expect.poll(() => page.getByTestId('environment-status').getAttribute('data-status'), { timeout: 60_000 }).toBe('ready');
    await page.getByTestId('config-form').waitFor({ timeout: 60_000 });
    // Every option describe-config lists has a row (editable, or saying the studio sets it).
    const rows = await page.locator('[data-testid="config-form"] .config-row').count();
    expect(rows).toBeGreaterThanOrEqual(40);
    expect(await page.getByTestId('preset-picker').locator('.preset-card').count()).toBeGreaterThanOrEqual(3);
    // Validation beside the field: a fractional batch size is refused.
    await page.getByTestId('config-batch_size').fill('2.5');
    await expect.poll(() => page.locator('[data-field="batch_size"] .config-error').textContent()).toMatch(/whole number/);
    await page.getByTestId('config-reset-batch_size').click();
    expect(await page.locator('[data-field="batch_size"]').getAttribute('data-changed')).toBe('false');
    // Quantised loading is an option of LoRA: refused beside the field until use_lora is on.
    await page.getByTestId('config-load_in_8bit').check();
    await expect.poll(() => page.locator('[data-field="load_in_8bit"] .config-error').textContent()).toMatch(/Needs use_lora/);
    await page.getByTestId('config-use_lora').check();
    await expect.poll(() => page.locator('[data-field="load_in_8bit"] .config-error').count()).toBe(0);
    await page.getByTestId('config-group-lora').scrollIntoViewIfNeeded();
    // No option's help tooltip (shown on hover or focus) over the picture.
    await page.mouse.move(0, 0);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.getByTestId('config-group-lora').screenshot({ path: join(SCREENSHOT_DIR, 'train-lora.png') });
    await page.getByTestId('config-reset-load_in_8bit').click();
    await page.getByTestId('config-reset-use_lora').click();
    expect(await page.locator('[data-field="use_lora"]').getAttribute('data-changed')).toBe('false');
  });

  it('fills the form from the Tiny CPU preset and validates the tiny model', async () => {
    const { page } = ui;
    await page.locator('[data-testid^="preset-"][data-testid*="tiny"]').first().click();
    await expect.poll(() => page.getByTestId('model-picker').getAttribute('data-status'), { timeout: 120_000 }).toBe('ok');
    await page.getByTestId('model-tiny-label').waitFor();
    expect(await page.getByTestId('config-batch_size').inputValue()).toBe('4');
    expect(await page.locator('[data-field="learning_rate"]').getAttribute('data-changed')).toBe('true');
    await expect.poll(() => page.getByTestId('run-estimate').getAttribute('data-state'), { timeout: 30_000 }).toBe('ready');
    expect(Number((await page.getByTestId('run-estimate-steps').textContent())?.replace(/\D/g, ''))).toBeGreaterThan(0);
    expect(await page.getByTestId('start-blockers').count()).toBe(0);
    await page.getByTestId('config-max_steps').fill(String(E2E_MAX_STEPS));
    expect(await page.locator('[data-field="max_steps"]').getAttribute('data-changed')).toBe('true');
  });

  it(
    'trains: the loss chart gains points while the worker runs, the run finishes with a checkpoint',
    async () => {
      const { page } = ui;
      const started = Date.now();
      await page.getByTestId('train-start').click();
      await page.getByTestId('runs-view').waitFor({ timeout: 30_000 });
      await page.getByTestId('run-header').waitFor();

      // Two readings while the run is still running, the second with more points.
      await expect.poll(() => chartPoints(page, 'loss'), { timeout: 120_000, interval: 250 }).toBeGreaterThan(0);
      expect(await runStatus(page)).toBe('running');
      const first = await chartPoints(page, 'loss');
      await expect.poll(() => chartPoints(page, 'loss'), { timeout: 60_000, interval: 250 }).toBeGreaterThan(first);
      const second = await chartPoints(page, 'loss');
      const statusAtSecond = await runStatus(page);
      expect(await drawnVertices(page, 'loss')).toBeGreaterThan(1);
      console.log(`train e2e: loss points ${first} → ${second} while ${statusAtSecond}`);
      expect(statusAtSecond).toBe('running');

      // Mid-run screenshot, once the curve has some shape.
      await expect.poll(() => chartPoints(page, 'loss'), { timeout: 90_000, interval: 250 }).toBeGreaterThanOrEqual(Math.min(first + 30, 60));
      if ((await runStatus(page)) === 'running') {
        mkdirSync(SCREENSHOT_DIR, { recursive: true });
        await page.mouse.move(0, 0);
        await page.screenshot({ path: join(SCREENSHOT_DIR, 'run.png') });
      }

      await expect.poll(() => runStatus(page), { timeout: RUN_TIMEOUT_MS, interval: 500 }).toMatch(/finished|failed|stopped/);
      const status = await runStatus(page);
      if (status !== 'finished') throw new Error(`the run ended ${status}: ${(await page.getByTestId('run-error').textContent().catch(() => '')) ?? ''}`);
      console.log(`train e2e: run finished ${((Date.now() - started) / 1000).toFixed(0)} s after Train, ${await chartPoints(page, 'loss')} loss points`);

      await expect.poll(() => page.getByTestId('checkpoint-row').count(), { timeout: 30_000 }).toBeGreaterThan(0);
      // The list follows keep-last-K live: exactly the checkpoints on disk, as many as the header
      // says, and each shows the evaluation it was saved after.
      const header = async () => Number(/(\d+) checkpoints?/.exec((await page.getByTestId('run-header').textContent()) ?? '')?.[1] ?? NaN);
      await expect.poll(async () => (await page.getByTestId('checkpoint-row').count()) === (await header()), { timeout: 30_000 }).toBe(true);
      const rows = page.getByTestId('checkpoint-row');
      for (let index = 0; index < (await rows.count()); index++) {
        const row = rows.nth(index);
        expect(existsSync((await row.locator('.checkpoint-path').getAttribute('title')) ?? ''), `step ${await row.getAttribute('data-step')} on disk`).toBe(true);
        expect(await row.locator('td').nth(1).textContent()).toMatch(/^\d+\.\d%$/);
      }
      // The rows' buttons stay inside the Checkpoints panel (they used to spill over the log).
      const panel = await page.getByTestId('checkpoints-panel').boundingBox();
      for (const box of await Promise.all((await page.getByTestId('checkpoint-actions').all()).map((button) => button.boundingBox()))) {
        expect(box && panel && box.x + box.width <= panel.x + panel.width).toBe(true);
      }
      await page.getByTestId('checkpoint-list').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(REPO_ROOT, 'test-results', 'screenshots', 'run-checkpoints.png') });
      const entry = page.getByTestId('run-entry').first();
      expect(await entry.getAttribute('data-status')).toBe('finished');
      expect(await chartPoints(page, 'loss')).toBeGreaterThanOrEqual(E2E_MAX_STEPS);
      // The final evaluation reached the accuracy chart too.
      expect(await chartPoints(page, 'accuracy')).toBeGreaterThan(0);
      // A CPU run never records GPU memory: the chart that would stay empty is not drawn.
      expect(await page.getByTestId('chart-gpu-memory').count()).toBe(0);
      expect(await page.getByTestId('chart-eval-loss').count()).toBe(1);
      expect(ui.problems.filter((problem) => !problem.includes('favicon'))).toEqual([]);
    },
    RUN_TIMEOUT_MS + 120_000,
  );
});
