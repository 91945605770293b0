/**
 * Evaluate and compare, end to end: two short runs of the tiny model with different settings
 * (learning rate, seed) are started through the contract — starting runs from the form is
 * train.e2e.ts's job — then, in the browser, both checkpoints are evaluated on `val` from the
 * Evaluate view and compared in the Compare view.
 *
 * What is checked against project.sqlite (opened read-only; correctness computed here from the
 * stored per-response scores and the human rankings, not by app code): the scatter has one mark
 * per labeled item both evaluations scored, and each disagreement filter lists exactly the items
 * whose stored scores make A right and B wrong, B right and A wrong, or both wrong. Also: both
 * runs' curves are drawn, and an opened item shows both checkpoints' stored scores beside each
 * response. Takes the README's Compare screenshot (UPDATE_SCREENSHOTS=1).
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandResult } from '../../app/contract';
import { openContractSocket, type ContractSocket } from './harness/contract-socket';
import { REPO_ROOT } from './harness/renderer-build';
import { openSampleStudio, type SampleStudio } from './harness/sample-studio';

const SCREENSHOT_DIR = process.env.UPDATE_SCREENSHOTS ? join(REPO_ROOT, 'docs', 'screenshots') : join(REPO_ROOT, 'test-results', 'screenshots');
const VENV_PYTHON = join(REPO_ROOT, '.venv', 'bin', 'python');
const TRAIN_TIMEOUT_MS = 480_000;
const EVALUATE_TIMEOUT_MS = 300_000;
/** Short runs (the machine has two slow cores); each ends with an evaluation and a checkpoint. */
const MAX_STEPS = 12;
const RUN_SETTINGS = [
  { name: 'e2e-compare-a', learning_rate: 3e-4, seed: 42 },
  { name: 'e2e-compare-b', learning_rate: 2e-3, seed: 7 },
] as const;

type RunSummary = CommandResult<'runs.list'>[number];
type Outcome = 'a-only' | 'b-only' | 'both-wrong' | 'both-right';

/** The first highest-scored response. */
function topOf(scores: readonly number[]): number {
  let top = 0;
  for (let i = 1; i < scores.length; i += 1) if ((scores[i] as number) > (scores[top] as number)) top = i;
  return top;
}

/** Right when the first highest-scored response is one the human ranked best (ties in the ranking allowed). */
function isCorrect(scores: readonly number[], ranking: readonly number[]): boolean {
  return ranking[topOf(scores)] === Math.min(...ranking);
}

interface DatabaseTruth {
  /** Per evaluation: item id → scores in response order. */
  scores: Map<number, Map<string, number[]>>;
  outcomes: Map<string, Outcome>;
  /** Labeled items whose top-scored response differs between A and B (right or wrong). */
  differentTop: string[];
}

function readTruth(projectDir: string, a: number, b: number): DatabaseTruth {
  const db = new Database(join(projectDir, 'project.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const scores = new Map<number, Map<string, number[]>>();
    for (const evaluationId of [a, b]) {
      const rows = db
        .prepare('SELECT i.id AS itemId, s.response_idx AS idx, s.score AS score FROM scores s JOIN items i ON i.rowid = s.item_rowid WHERE s.evaluation_id = ? AND i.deleted_at IS NULL ORDER BY i.id, s.response_idx')
        .all(evaluationId) as { itemId: string; idx: number; score: number }[];
      const byItem = new Map<string, number[]>();
      for (const row of rows) {
        const list = byItem.get(row.itemId) ?? [];
        list[row.idx] = row.score;
        byItem.set(row.itemId, list);
      }
      scores.set(evaluationId, byItem);
    }
    // The ranking export uses: an adjudication first, else the most recently updated judgment.
    const judgments = db
      .prepare(`SELECT i.id AS itemId, j.ranking_json AS ranking FROM judgments j JOIN items i ON i.rowid = j.item_rowid
                WHERE i.deleted_at IS NULL ORDER BY i.id, (j.source = 'adjudication') DESC, j.updated_at DESC, j.id DESC`)
      .all() as { itemId: string; ranking: string }[];
    const rankings = new Map<string, number[]>();
    for (const row of judgments) if (!rankings.has(row.itemId)) rankings.set(row.itemId, JSON.parse(row.ranking) as number[]);

    const outcomes = new Map<string, Outcome>();
    const differentTop: string[] = [];
    const scoresA = scores.get(a)!;
    const scoresB = scores.get(b)!;
    for (const [itemId, ranking] of rankings) {
      // Only rankings that prefer something count (all tied = no preference).
      if (ranking.every((rank) => rank === ranking[0])) continue;
      const sa = scoresA.get(itemId);
      const sb = scoresB.get(itemId);
      if (!sa || !sb) continue;
      const rightA = isCorrect(sa, ranking);
      const rightB = isCorrect(sb, ranking);
      outcomes.set(itemId, rightA && rightB ? 'both-right' : rightA ? 'a-only' : rightB ? 'b-only' : 'both-wrong');
      if (topOf(sa) !== topOf(sb)) differentTop.push(itemId);
    }
    return { scores, outcomes, differentTop: differentTop.sort() };
  } finally {
    db.close();
  }
}

function idsWith(outcomes: Map<string, Outcome>, outcome: Outcome): string[] {
  return [...outcomes].filter(([, value]) => value === outcome).map(([itemId]) => itemId).sort();
}

/** Every item id the table lists under the current filter, page after page. */
async function listedItemIds(page: Page, filter: string): Promise<string[]> {
  await page.getByTestId(`compare-filter-${filter}`).click();
  const table = page.getByTestId('compare-table');
  await expect.poll(async () => `${await table.getAttribute('data-filter')}|${await table.getAttribute('data-loading')}`, { timeout: 15_000 }).toBe(`${filter}|false`);
  const ids: string[] = [];
  for (;;) {
    ids.push(...(await page.getByTestId('compare-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-item-id') ?? ''))));
    const next = page.getByTestId('compare-page-next');
    if ((await next.count()) === 0 || (await next.isDisabled())) break;
    const first = ids[ids.length - 1];
    await next.click();
    await expect.poll(async () => (await table.getAttribute('data-loading')) === 'false' && (await page.getByTestId('compare-row').last().getAttribute('data-item-id')) !== first, { timeout: 15_000 }).toBe(true);
  }
  return ids.sort();
}

async function closeToasts(page: Page): Promise<void> {
  // A toast may expire between listing and clicking (they do after 5–12 s): then there is nothing to close.
  for (const close of await page.getByTestId('toast-dismiss').all()) await close.click({ timeout: 2_000 }).catch(() => undefined);
}

async function vertices(page: Page, selector: string): Promise<number> {
  return page.locator(selector).evaluateAll((paths) => paths.reduce((sum, path) => sum + (path.getAttribute('d')?.match(/[ML]/g) ?? []).length, 0));
}

describe('evaluate two trained checkpoints and compare them', () => {
  let opened: SampleStudio | undefined;
  let socket: ContractSocket | undefined;
  let runs: RunSummary[] = [];
  const checkpointOfRun = new Map<number, number>();
  let evaluationA = 0;
  let evaluationB = 0;

  beforeAll(async () => {
    // Never skipped: without the worker this capability is broken, and the test says how to fix it.
    if (!existsSync(VENV_PYTHON)) throw new Error(`No training environment at ${VENV_PYTHON}: run "npm run setup:worker" first.`);
    opened = await openSampleStudio();
    socket = await openContractSocket(opened.studio.url);
    const tiny = await socket.invoke('environment.tinyModel', {});
    if (!tiny.ok) throw new Error(`The tiny model could not be made: ${tiny.problems.join('; ')}`);
    const preset = (await socket.invoke('runs.presets', {})).find((entry) => entry.id.includes('tiny'));
    if (!preset) throw new Error('No Tiny CPU preset in runs.presets.');
    for (const settings of RUN_SETTINGS) {
      const config = { ...preset.config, base_model_name: tiny.path, max_steps: MAX_STEPS, learning_rate: settings.learning_rate, seed: settings.seed };
      runs.push(await socket.invoke('runs.start', { name: settings.name, presetId: preset.id, config, splits: { train: ['train'], val: ['val'] }, gpus: [] }));
    }
    const deadline = Date.now() + TRAIN_TIMEOUT_MS;
    for (;;) {
      const listed = await socket.invoke('runs.list', {});
      runs = runs.map((run) => listed.find((entry) => entry.id === run.id) ?? run);
      const ended = runs.filter((run) => ['finished', 'failed', 'stopped'].includes(run.status));
      if (ended.length === runs.length) break;
      if (Date.now() > deadline) throw new Error(`The two runs did not finish in ${TRAIN_TIMEOUT_MS / 1000} s: ${runs.map((run) => `${run.name} ${run.status} step ${run.step}`).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    for (const run of runs) if (run.status !== 'finished') throw new Error(`Run ${run.name} ended ${run.status}: ${run.error?.message ?? ''}`);
    for (const run of runs) {
      const checkpoints = await socket.invoke('checkpoints.list', { runId: run.id });
      const newest = checkpoints.sort((x, y) => y.step - x.step)[0];
      if (!newest) throw new Error(`Run ${run.name} finished without a checkpoint.`);
      checkpointOfRun.set(run.id, newest.id);
    }
  }, TRAIN_TIMEOUT_MS + 180_000);

  afterAll(async () => {
    socket?.close();
    await opened?.close();
  });

  it(
    'evaluates both checkpoints on val from the Evaluate view, with progress, metrics and a reliability diagram',
    async () => {
      const { page } = opened!.ui;
      await page.getByTestId('nav-evaluate').click();
      await page.getByTestId('evaluate-view').waitFor();
      await page.getByTestId('evaluate-scope-val').click();
      for (const run of runs) await page.getByTestId(`evaluate-checkpoint-${checkpointOfRun.get(run.id)}`).check();
      await page.getByTestId('evaluate-start').click();

      const cardOf = (run: RunSummary) => page.locator(`[data-testid="evaluation-card"][data-checkpoint-id="${checkpointOfRun.get(run.id)}"][data-scope="val"]`);
      for (const run of runs) {
        await expect.poll(() => cardOf(run).getAttribute('data-status'), { timeout: EVALUATE_TIMEOUT_MS, interval: 500 }).toMatch(/finished|failed|cancelled/);
        const status = await cardOf(run).getAttribute('data-status');
        if (status !== 'finished') throw new Error(`Evaluating ${run.name} ended ${status}: ${await cardOf(run).getByTestId('evaluation-error').textContent().catch(() => '')}`);
        await cardOf(run).getByTestId('reliability-diagram').waitFor();
        expect(await cardOf(run).locator('[data-metric="accuracy"] dd').textContent()).toMatch(/%$/);
      }
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await closeToasts(page);
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'evaluate.png') });
      evaluationA = Number(await cardOf(runs[0]!).getAttribute('data-evaluation-id'));
      evaluationB = Number(await cardOf(runs[1]!).getAttribute('data-evaluation-id'));
      expect(evaluationA).toBeGreaterThan(0);
      expect(evaluationB).toBeGreaterThan(0);

      // Cached: the same request again returns the stored evaluations instead of scoring anew.
      await page.getByTestId('evaluate-start').click();
      await page.waitForTimeout(500);
      expect(await page.locator('[data-testid="evaluation-card"][data-scope="val"]').count()).toBe(2);
    },
    EVALUATE_TIMEOUT_MS * 2,
  );

  it('compares: the scatter has a mark per item, both curves render, each filter lists exactly the disagreeing items in the database', async () => {
    const { page, problems } = opened!.ui;
    // A is the first ticked, B the second.
    await page.locator(`[data-testid="evaluation-card"][data-evaluation-id="${evaluationA}"]`).getByTestId('evaluation-pick').check();
    await page.locator(`[data-testid="evaluation-card"][data-evaluation-id="${evaluationB}"]`).getByTestId('evaluation-pick').check();
    await page.getByTestId('evaluations-compare').click();
    const view = page.getByTestId('compare-view');
    await view.waitFor({ timeout: 30_000 });
    expect(await view.getAttribute('data-a')).toBe(String(evaluationA));
    expect(await view.getAttribute('data-b')).toBe(String(evaluationB));
    expect(page.url()).toContain(`#/compare/${evaluationA}/${evaluationB}`);

    const truth = readTruth(opened!.projectDir, evaluationA, evaluationB);
    const labeled = truth.outcomes.size;
    expect(labeled).toBeGreaterThan(0);
    console.log(`compare e2e: ${labeled} labeled val items; a-only ${idsWith(truth.outcomes, 'a-only').length}, b-only ${idsWith(truth.outcomes, 'b-only').length}, both wrong ${idsWith(truth.outcomes, 'both-wrong').length}, both right ${idsWith(truth.outcomes, 'both-right').length}`);

    // The scatter: one mark per labeled item both scored, each in its outcome's colour group.
    const scatter = page.getByTestId('margin-scatter');
    expect(Number(await scatter.getAttribute('data-points'))).toBe(labeled);
    expect(Number(await scatter.getAttribute('data-marks'))).toBe(labeled);
    for (const outcome of ['a-only', 'b-only', 'both-wrong', 'both-right'] as const) {
      expect(Number(await page.getByTestId(`scatter-count-${outcome}`).getAttribute('data-count'))).toBe(idsWith(truth.outcomes, outcome).length);
    }
    // The canvas is painted (not blank).
    const painted = await page.getByTestId('margin-scatter-canvas').evaluate((canvas: HTMLCanvasElement) => {
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let opaque = 0;
      for (let i = 3; i < data.length; i += 4) if ((data[i] as number) > 0) opaque += 1;
      return opaque;
    });
    expect(painted).toBeGreaterThan(500);

    // The curves: both runs' loss lines drawn in the same chart.
    const [runA, runB] = runs as [RunSummary, RunSummary];
    const lossChart = page.getByTestId('compare-curves').getByTestId('chart-loss');
    await expect.poll(() => lossChart.getAttribute('data-lines'), { timeout: 30_000 }).toBe('2');
    expect(await vertices(page, `[data-testid="compare-curves"] [data-series="${runA.id}:loss"] path.series-path`)).toBeGreaterThanOrEqual(2);
    expect(await vertices(page, `[data-testid="compare-curves"] [data-series="${runB.id}:loss"] path.series-path`)).toBeGreaterThanOrEqual(2);
    expect(Number(await lossChart.getAttribute('data-points'))).toBeGreaterThanOrEqual(2 * MAX_STEPS);

    // The config diff names what differs (and not what is the same).
    const diffKeys = await page.getByTestId('config-diff-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-key')));
    expect(diffKeys).toEqual(expect.arrayContaining(['learning_rate', 'seed']));
    expect(diffKeys).not.toContain('batch_size');

    // Each filter lists exactly the database's items for it.
    for (const outcome of ['a-only', 'b-only', 'both-wrong', 'both-right'] as const) {
      expect(await listedItemIds(page, outcome), outcome).toEqual(idsWith(truth.outcomes, outcome));
    }
    expect(await listedItemIds(page, 'all')).toEqual([...truth.outcomes.keys()].sort());
    expect(await listedItemIds(page, 'disagree')).toEqual(truth.differentTop);

    // Screenshot with the table showing every item (toasts closed: they are not part of the view).
    await closeToasts(page);
    await page.mouse.move(0, 0);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'compare.png') });

    // Open an item by keyboard: both checkpoints' stored scores beside each response.
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    const panel = page.getByTestId('compare-item-panel');
    await expect.poll(() => panel.getAttribute('data-loaded'), { timeout: 15_000 }).toBe('true');
    const itemId = (await panel.getAttribute('data-item-id'))!;
    const expectedA = truth.scores.get(evaluationA)!.get(itemId)!;
    const expectedB = truth.scores.get(evaluationB)!.get(itemId)!;
    const responses = panel.getByTestId('compare-response');
    expect(await responses.count()).toBe(expectedA.length);
    for (let index = 0; index < expectedA.length; index += 1) {
      const response = responses.nth(index);
      expect(Number(await response.getByTestId('item-score-a').getAttribute('data-value'))).toBeCloseTo(expectedA[index]!, 9);
      expect(Number(await response.getByTestId('item-score-b').getAttribute('data-value'))).toBeCloseTo(expectedB[index]!, 9);
      expect(await response.getByTestId('compare-human-rank').count()).toBe(1);
    }
    // The checkpoints are named by run and step in the panel: A, B… are the responses there.
    const badges = await panel.locator('.pick-badge').allTextContents();
    expect(badges.length).toBeGreaterThan(0);
    for (const badge of badges) expect(badge).toMatch(/^.+ · \d+$/);
    // It opened in view.
    expect(await panel.evaluate((element) => element.getBoundingClientRect().top < window.innerHeight)).toBe(true);
    // For a look at the item panel (not a README figure): test-results only.
    await panel.scrollIntoViewIfNeeded();
    mkdirSync(join(REPO_ROOT, 'test-results', 'screenshots'), { recursive: true });
    await page.screenshot({ path: join(REPO_ROOT, 'test-results', 'screenshots', 'compare-item.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => panel.count()).toBe(0);

    expect(problems.filter((problem) => !problem.includes('favicon'))).toEqual([]);
  });
});
