/**
 * A newcomer's first hour, end to end, with nothing but what the studio offers on screen (no URL
 * typed, no contract call): from a fresh settings folder on the sample project, Home's Getting
 * started names the annotator, Start annotating judges 10 items by keyboard, Train runs the Tiny
 * preset, Evaluate scores two of its checkpoints, Compare opens on them, and Home's Export is
 * downloaded. Every step leaves a screenshot in test-results/screenshots/first-hour/, and Back
 * walks the views visited in reverse. axe scans the views that hold real data on the way.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForNextItem } from './harness/annotate-steps';
import { expectNoSeriousViolations } from './harness/axe';
import { REPO_ROOT } from './harness/renderer-build';
import { openSampleStudio, type SampleStudio } from './harness/sample-studio';
import { tempFolder } from './harness/temp-folders';

const SHOTS = join(REPO_ROOT, 'test-results', 'screenshots', 'first-hour');
const VENV_PYTHON = join(REPO_ROOT, '.venv', 'bin', 'python');
/** Two epochs of the sample project's labeled train items at the preset's batch size: two checkpoints, about a minute on 2 cores. */
const MAX_STEPS = 30;
const TRAIN_TIMEOUT_MS = 300_000;
const JUDGE = 10;

/** The view the sidebar marks as current ("nav-train" → "train"). */
async function currentView(page: Page): Promise<string | null> {
  const id = await page.locator('[data-testid^="nav-"][aria-current="page"]').getAttribute('data-testid');
  return id?.replace(/^nav-/, '') ?? null;
}

describe('the first hour of a newcomer', () => {
  let opened: SampleStudio | undefined;
  let page: Page;
  let shot = 0;
  /** Views in the order they were entered, each a history entry. */
  const visited: string[] = [];

  async function step(name: string): Promise<void> {
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(SHOTS, `${String(++shot).padStart(2, '0')}-${name}.png`) });
  }

  async function entered(view: string): Promise<void> {
    await expect.poll(() => currentView(page), { timeout: 30_000 }).toBe(view);
    visited.push(view);
  }

  beforeAll(async () => {
    // Never skipped: without the worker the first hour cannot train, and the test says how to fix it.
    if (!existsSync(VENV_PYTHON)) throw new Error(`No training environment at ${VENV_PYTHON}: run "npm run setup:worker" first.`);
    // This run's steps only: an earlier run's numbering would interleave.
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    opened = await openSampleStudio();
    page = opened.ui.page;
  });

  afterAll(async () => {
    await opened?.close();
  });

  it('names the annotator and judges 10 items from Home', async () => {
    await page.getByTestId('first-steps').waitFor();
    await entered('home');
    await step('home');
    await page.getByTestId('first-step-name-go').click();
    await page.getByTestId('settings-dialog').waitFor();
    await page.keyboard.type('newcomer');
    await step('name');
    await page.keyboard.press('Enter');
    await page.getByTestId('settings-dialog').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('first-step-name').getAttribute('data-done')).toBe('true');

    const labeledBefore = Number((await page.getByTestId('stat-labeled-value').textContent())?.replace(/\D/g, ''));
    await page.getByTestId('start-annotating').click();
    await entered('annotate');
    let id = (await page.getByTestId('annotate-view').getAttribute('data-item-id')) ?? '';
    for (let judged = 0; judged < JUDGE; judged += 1) {
      id = id || (await waitForNextItem(page, ''));
      const responses = await page.getByTestId('annotate-response').count();
      if (responses === 2) await page.keyboard.press(judged % 2 === 0 ? 'a' : 'b');
      else {
        for (let rank = 1; rank <= responses; rank += 1) await page.keyboard.press(String(rank));
        await page.keyboard.press('Enter');
      }
      if (judged === 0) await step('first-judgment');
      id = await waitForNextItem(page, id);
    }
    await step('judged');

    await page.getByTestId('nav-home').click();
    await entered('home');
    await expect.poll(async () => Number((await page.getByTestId('stat-labeled-value').textContent())?.replace(/\D/g, ''))).toBe(labeledBefore + JUDGE);
    await step('home-after-judging');
  });

  it('trains the Tiny preset from Getting started and watches it finish', async () => {
    await page.getByTestId('first-step-train-go').click();
    await entered('train');
    await page.locator('[data-testid^="preset-"][data-testid*="tiny"]').first().click();
    // A fresh settings folder has no tiny model yet: while it is made, the form says so.
    await expect.poll(() => page.getByTestId('start-blockers').textContent(), { timeout: 10_000 }).toContain('Making the tiny demo model');
    expect(await page.getByTestId('model-use-tiny').textContent()).toBe('Making the tiny model…');
    await step('making-tiny-model');
    await expect.poll(() => page.getByTestId('model-picker').getAttribute('data-status'), { timeout: 120_000 }).toBe('ok');
    await page.getByTestId('config-max_steps').fill(String(MAX_STEPS));
    await expect.poll(() => page.getByTestId('run-estimate').getAttribute('data-state'), { timeout: 30_000 }).toBe('ready');
    // Nothing has trained on this machine yet: the time is not promised.
    expect(await page.getByTestId('run-estimate-time').getAttribute('data-basis')).toBe('unmeasured');
    await step('train-form');
    await page.getByTestId('train-start').click();
    await entered('runs');
    await expect.poll(() => page.getByTestId('run-header').getAttribute('data-status'), { timeout: TRAIN_TIMEOUT_MS, interval: 1000 }).toMatch(/finished|failed|stopped/);
    expect(await page.getByTestId('run-header').getAttribute('data-status')).toBe('finished');
    await expect.poll(() => page.getByTestId('checkpoint-row').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    await step('run-finished');
    // The accessibility e2e sees Runs, Evaluate and Compare empty; here they hold real data.
    await expectNoSeriousViolations(page, 'Runs with a finished run');
  }, TRAIN_TIMEOUT_MS + 180_000);

  it('evaluates two checkpoints and compares them, from Getting started', async () => {
    await page.getByTestId('nav-home').click();
    await entered('home');
    await expect.poll(() => page.getByTestId('first-step-train').getAttribute('data-done')).toBe('true');
    await page.getByTestId('first-step-compare-go').click();
    await entered('evaluate');
    await page.getByTestId('evaluate-scope-val').click();
    const checkpoints = page.locator('[data-testid^="evaluate-checkpoint-"]');
    await checkpoints.nth(0).check();
    await checkpoints.nth(1).check();
    await page.getByTestId('evaluate-start').click();
    const cards = page.locator('[data-testid="evaluation-card"][data-scope="val"]');
    await expect.poll(() => cards.count(), { timeout: 30_000 }).toBe(2);
    for (const card of await cards.all()) await expect.poll(() => card.getAttribute('data-status'), { timeout: 180_000, interval: 500 }).toBe('finished');
    await step('evaluated');
    await expectNoSeriousViolations(page, 'Evaluate with two evaluations');
    for (const card of await cards.all()) await card.getByTestId('evaluation-pick').check();
    await page.getByTestId('evaluations-compare').click();
    await entered('compare');
    await page.getByTestId('compare-view').waitFor();
    await page.getByTestId('margin-scatter').waitFor();
    await step('compare');
    await expectNoSeriousViolations(page, 'Compare of two checkpoints');
  }, 420_000);

  it('downloads the export from Home, then Back walks the views in reverse', async () => {
    await page.getByTestId('nav-home').click();
    await entered('home');
    await expect.poll(() => page.getByTestId('first-step-compare').getAttribute('data-done')).toBe('true');
    await page.getByTestId('export-panel').scrollIntoViewIfNeeded();
    await page.getByTestId('export-submit').click();
    await page.getByTestId('export-report').waitFor({ timeout: 60_000 });
    const rows = Number((await page.getByTestId('export-rows').textContent())?.replace(/\D/g, ''));
    expect(rows).toBeGreaterThan(JUDGE);
    await step('exported');
    await expectNoSeriousViolations(page, 'Home with an export report');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
    const saved = join(tempFolder('first-hour-download'), download.suggestedFilename());
    await download.saveAs(saved);
    // The sample items have images: the download is the file with its images/ folder, and it opens.
    expect(download.suggestedFilename()).toBe('dataset.zip');
    const lines = execFileSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(len(z.read("dataset.jsonl").splitlines()))', saved]).toString();
    expect(Number(lines)).toBe(rows);

    // Back, from the last view to the first: each view entered is one history entry.
    for (let index = visited.length - 2; index >= 0; index -= 1) {
      await page.goBack();
      await expect.poll(() => currentView(page), { timeout: 10_000 }).toBe(visited[index]);
    }
    await step('back-to-start');
    expect(opened?.ui.problems.filter((problem) => !problem.includes('favicon'))).toEqual([]);
  });
});
