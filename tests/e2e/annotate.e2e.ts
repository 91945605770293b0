/**
 * Annotating in the real UI, checked against the real project file:
 * (a) alice judges 20 sample items by keyboard only — pairs (A/B, clearly, two ties, both bad) and
 *     multi-response rankings — undoes two, reloads; project.sqlite then holds exactly the 18
 *     expected judgments, in ORIGINAL response indices although the screen showed them shuffled;
 * (b) bob (renamed in Settings) judges 5 of alice's items differently; the Agreement view shows the
 *     percent agreement and Cohen's kappa this file computes itself from the stored judgments;
 * (c) the conflicts are adjudicated in the UI, a seed JSONL is exported, and its human_ranking
 *     values are the adjudicated ones (alice's elsewhere).
 * Also writes the README's annotate screenshot (docs/screenshots/annotate.png with UPDATE_SCREENSHOTS=1).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioPage } from './harness/browser';
import { waitForNextItem } from './harness/annotate-steps';
import { openSampleStudio, type SampleStudio } from './harness/sample-studio';
import { tempFolder } from './harness/temp-folders';
import { REPO_ROOT } from './harness/renderer-build';
import type { RunningStudio } from './harness/studio-process';

const SCREENSHOT_DIR = process.env.UPDATE_SCREENSHOTS ? join(REPO_ROOT, 'docs', 'screenshots') : join(REPO_ROOT, 'test-results', 'screenshots');

interface StoredJudgment {
  itemId: string;
  annotator: string;
  ranking: number[];
  decision: string | null;
  strength: string | null;
  timeMs: number | null;
  shownOrder: number[] | null;
  source: string;
}

/** What the test expects for one item, computed from what the screen showed. */
interface Expected {
  itemId: string;
  ranking: number[];
  decision: 'ranked' | 'tie' | 'both_bad';
  strength: 'slightly' | 'clearly' | null;
  shownOrder: number[];
}

type PairKey = 'a' | 'b' | 'Shift+A' | 'Shift+B' | 'ArrowLeft' | 'ArrowRight' | 't' | 'x';

function readJudgments(projectDir: string): StoredJudgment[] {
  const db = new Database(join(projectDir, 'project.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        `SELECT i.id AS itemId, a.name AS annotator, j.ranking_json, j.decision, j.strength, j.time_ms, j.shown_order_json, j.source
           FROM judgments j JOIN items i ON i.rowid = j.item_rowid JOIN annotators a ON a.id = j.annotator_id
          WHERE i.deleted_at IS NULL ORDER BY i.id, a.name`,
      )
      .all() as { itemId: string; annotator: string; ranking_json: string; decision: string | null; strength: string | null; time_ms: number | null; shown_order_json: string | null; source: string }[];
    return rows.map((row) => ({
      itemId: row.itemId,
      annotator: row.annotator,
      ranking: JSON.parse(row.ranking_json) as number[],
      decision: row.decision,
      strength: row.strength,
      timeMs: row.time_ms,
      shownOrder: row.shown_order_json === null ? null : (JSON.parse(row.shown_order_json) as number[]),
      source: row.source,
    }));
  } finally {
    db.close();
  }
}

function readResponses(projectDir: string): Map<string, string[]> {
  const db = new Database(join(projectDir, 'project.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT i.id AS itemId, r.idx, r.text FROM responses r JOIN items i ON i.rowid = r.item_rowid ORDER BY i.id, r.idx').all() as {
      itemId: string;
      idx: number;
      text: string;
    }[];
    const byItem = new Map<string, string[]>();
    for (const row of rows) {
      const list = byItem.get(row.itemId) ?? [];
      list[row.idx] = row.text;
      byItem.set(row.itemId, list);
    }
    return byItem;
  } finally {
    db.close();
  }
}

/** Pair categories as the agreement report defines them: response 0 better, response 1 better, tie. */
function pairCategory(ranking: readonly number[]): 'first' | 'second' | 'tie' {
  const [a, b] = ranking as [number, number];
  return a === b ? 'tie' : a < b ? 'first' : 'second';
}

/** Percent agreement and Cohen's kappa of two annotators over the pair items both judged — written here, not imported. */
function expectedPairAgreement(judgments: StoredJudgment[], a: string, b: string): { items: number; percent: number; kappa: number | null } {
  const byItem = new Map<string, Map<string, number[]>>();
  for (const judgment of judgments) {
    if (judgment.source === 'adjudication' || judgment.ranking.length !== 2) continue;
    const entry = byItem.get(judgment.itemId) ?? new Map<string, number[]>();
    entry.set(judgment.annotator, judgment.ranking);
    byItem.set(judgment.itemId, entry);
  }
  const pairs: [string, string][] = [];
  for (const entry of byItem.values()) {
    const ra = entry.get(a);
    const rb = entry.get(b);
    if (ra && rb) pairs.push([pairCategory(ra), pairCategory(rb)]);
  }
  const n = pairs.length;
  const agree = pairs.filter(([x, y]) => x === y).length;
  const po = agree / n;
  let pe = 0;
  for (const category of ['first', 'second', 'tie']) {
    const pa = pairs.filter(([x]) => x === category).length / n;
    const pb = pairs.filter(([, y]) => y === category).length / n;
    pe += pa * pb;
  }
  return { items: n, percent: po, kappa: pe === 1 ? null : (po - pe) / (1 - pe) };
}

/** The response texts as shown, mapped back to original indices: that is the display order. */
async function shownOrderOnScreen(page: Page, responses: Map<string, string[]>, itemId: string): Promise<number[]> {
  const texts = (await page.getByTestId('annotate-response').locator('.response-card-body').allTextContents()).map((text) => text.trim());
  const original = responses.get(itemId);
  if (!original) throw new Error(`no responses for ${itemId} in the project file`);
  const order = texts.map((text) => original.findIndex((candidate) => candidate.trim() === text));
  expect(order, `every response of ${itemId} on screen is one of its stored responses`).not.toContain(-1);
  expect(new Set(order).size).toBe(original.length);
  return order;
}

async function currentItemId(page: Page): Promise<string> {
  const view = page.getByTestId('annotate-view');
  await expect.poll(() => view.getAttribute('data-item-id'), { timeout: 15_000 }).not.toBe('');
  return (await view.getAttribute('data-item-id')) as string;
}


async function waitForSaves(page: Page): Promise<void> {
  await expect.poll(() => page.getByTestId('queue-saving').count(), { timeout: 15_000 }).toBe(0);
}

/** The stored ranking a pair key means, given the display order [left, right]. */
function pairExpectation(key: PairKey, order: number[]): Pick<Expected, 'ranking' | 'decision' | 'strength'> {
  const [left, right] = order as [number, number];
  const ranking = [0, 0];
  switch (key) {
    case 't':
      return { ranking, decision: 'tie', strength: null };
    case 'x':
      return { ranking, decision: 'both_bad', strength: null };
    case 'a':
    case 'ArrowLeft':
    case 'Shift+A':
      ranking[right] = 1;
      return { ranking, decision: 'ranked', strength: key === 'Shift+A' ? 'clearly' : 'slightly' };
    case 'b':
    case 'ArrowRight':
    case 'Shift+B':
      ranking[left] = 1;
      return { ranking, decision: 'ranked', strength: key === 'Shift+B' ? 'clearly' : 'slightly' };
  }
}

/** Typed ranks per screen position → stored dense ranking over original indices. */
function rankingExpectation(typed: number[], order: number[]): number[] {
  const distinct = [...new Set(typed)].sort((x, y) => x - y);
  const ranking = new Array<number>(order.length).fill(0);
  typed.forEach((rank, position) => {
    ranking[order[position] as number] = distinct.indexOf(rank);
  });
  return ranking;
}

/** Alice's pair keys, in turn: two ties and a "both bad" among them, both strengths, both key styles. */
const ALICE_PAIR_KEYS: PairKey[] = ['a', 'b', 't', 'Shift+A', 'ArrowRight', 'x', 'b', 't', 'Shift+B', 'ArrowLeft', 'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b'];
/** Ranks typed for N-response items (same number = tie). */
const RANKS_TYPED: Record<number, number[]> = { 3: [2, 1, 3], 4: [1, 3, 2, 2] };

describe('annotating by keyboard, agreement and adjudication', () => {
  let studio: RunningStudio;
  let browser: Browser;
  let ui: StudioPage;
  let opened: SampleStudio | undefined;
  let projectDir: string;
  let responses: Map<string, string[]>;
  const alice: Expected[] = [];
  let aliceKept: Expected[] = [];
  const bob: Expected[] = [];

  beforeAll(async () => {
    opened = await openSampleStudio();
    ({ studio, browser, ui } = opened);
    projectDir = opened.projectDir;
    responses = readResponses(projectDir);
  });

  afterAll(async () => {
    await opened?.close();
  });

  it('asks for the annotator name before the first judgment', async () => {
    const { page } = ui;
    await page.getByTestId('nav-annotate').click();
    await page.getByTestId('settings-dialog').waitFor();
    // Keyboard only from here: the name field has focus.
    await page.keyboard.type('alice');
    await page.keyboard.press('Enter');
    await page.getByTestId('settings-dialog').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('queue-annotator').textContent()).toBe('alice');
    await expect.poll(() => page.getByTestId('top-annotator').textContent()).toBe('alice');
  });

  it('(a) judges 20 items by keyboard only, undoes two, and the file holds exactly the expected judgments', async () => {
    const { page } = ui;
    let pairTurn = 0;
    let screenshotTaken = false;
    // A filter chosen from a list hands the keys back: the next judging key must not change the list.
    for (const value of ['unflagged', 'all']) {
      await page.getByTestId('queue-flagged').selectOption(value);
      await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('annotate-view');
    }
    await expect.poll(() => page.getByTestId('annotate-view').getAttribute('data-status')).toBe('ready');
    // The note dialog keeps Tab inside itself and gives focus back when it closes.
    await page.keyboard.press('n');
    const note = page.getByTestId('note-dialog');
    await note.waitFor();
    for (const key of ['Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
      await page.keyboard.press(key);
      expect(await note.evaluate((dialog) => dialog.contains(document.activeElement)), `after ${key}`).toBe(true);
    }
    await page.keyboard.press('Escape');
    await expect.poll(() => note.count()).toBe(0);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('annotate-view');
    let id = await currentItemId(page);
    for (let judged = 0; judged < 20; judged += 1) {
      const order = await shownOrderOnScreen(page, responses, id);
      if (order.length === 2) {
        const key = ALICE_PAIR_KEYS[pairTurn++ % ALICE_PAIR_KEYS.length] as PairKey;
        alice.push({ itemId: id, shownOrder: order, ...pairExpectation(key, order) });
        await page.keyboard.press(key);
      } else {
        const typed = RANKS_TYPED[order.length];
        if (!typed) throw new Error(`no ranks planned for ${order.length} responses`);
        for (const rank of typed.slice(0, -1)) await page.keyboard.press(String(rank));
        if (!screenshotTaken && order.length === 3) {
          // The README's shot: a ranking half typed shows the most of the screen.
          mkdirSync(SCREENSHOT_DIR, { recursive: true });
          await page.waitForLoadState('networkidle');
          await page.screenshot({ path: join(SCREENSHOT_DIR, 'annotate.png') });
          screenshotTaken = true;
        }
        await page.keyboard.press(String(typed[typed.length - 1]));
        await expect.poll(() => page.getByTestId('ranking-commit').isDisabled()).toBe(false);
        const ranking = rankingExpectation(typed, order);
        alice.push({ itemId: id, shownOrder: order, ranking, decision: ranking.every((r) => r === ranking[0]) ? 'tie' : 'ranked', strength: null });
        await page.keyboard.press('Enter');
      }
      id = await waitForNextItem(page, id);
    }
    expect(alice.filter((entry) => entry.decision === 'tie' && entry.ranking.length === 2)).toHaveLength(2);
    expect(alice.some((entry) => entry.ranking.length === 3)).toBe(true);
    expect(screenshotTaken).toBe(true);
    await expect.poll(() => page.getByTestId('queue-decided').textContent()).toBe('20');

    // Undo twice: each shows the item it took back.
    await waitForSaves(page);
    await page.keyboard.press('z');
    await expect.poll(() => page.getByTestId('annotate-view').getAttribute('data-item-id'), { timeout: 15_000 }).toBe(alice[19]?.itemId);
    // And says what it took back.
    await expect
      .poll(() => page.getByTestId('toast-message').allTextContents(), { timeout: 15_000 })
      .toContain(`Undid your judgment on ${alice[19]?.itemId}: the item is to do again.`);
    await page.keyboard.press('z');
    await expect.poll(() => page.getByTestId('annotate-view').getAttribute('data-item-id'), { timeout: 15_000 }).toBe(alice[18]?.itemId);
    aliceKept = alice.slice(0, 18);

    await page.reload();
    await page.getByTestId('annotate-view').waitFor();
    await currentItemId(page);

    const stored = readJudgments(projectDir).filter((judgment) => judgment.annotator === 'alice');
    const byItem = new Map(stored.map((judgment) => [judgment.itemId, judgment]));
    expect([...byItem.keys()].sort()).toEqual(aliceKept.map((entry) => entry.itemId).sort());
    for (const expected of aliceKept) {
      const judgment = byItem.get(expected.itemId);
      expect({ item: expected.itemId, ranking: judgment?.ranking, decision: judgment?.decision, strength: judgment?.strength, shownOrder: judgment?.shownOrder }).toEqual({
        item: expected.itemId,
        ranking: expected.ranking,
        decision: expected.decision,
        strength: expected.strength,
        shownOrder: expected.shownOrder,
      });
      expect(judgment?.source).toBe('ui');
      expect(judgment?.timeMs).toBeGreaterThan(0);
    }
    // The display really was shuffled for some items (else "original indices" would prove nothing).
    expect(aliceKept.some((entry) => entry.shownOrder.some((original, position) => original !== position))).toBe(true);
  });

  it('shows the keyboard map with ?', async () => {
    const { page } = ui;
    await page.keyboard.press('?');
    await page.getByTestId('shortcut-overlay').waitFor();
    expect(await page.getByTestId('shortcut-row').count()).toBeGreaterThan(15);
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcut-overlay').waitFor({ state: 'detached' });
  });

  it('(b) a second annotator judges 5 of them differently and the agreement panel shows the right numbers', async () => {
    const { page } = ui;
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings-dialog').waitFor();
    await page.getByTestId('annotator-name-input').fill('bob');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('queue-annotator').textContent()).toBe('bob');

    // Four pairs and one ranking of alice's, reached with g (go to id), judged otherwise than she did.
    const pairs = aliceKept.filter((entry) => entry.ranking.length === 2);
    const targets = [pairs[0], pairs[1], pairs[2], pairs[3], aliceKept.find((entry) => entry.ranking.length === 3)].filter((entry): entry is Expected => entry !== undefined);
    expect(targets).toHaveLength(5);
    for (const target of targets) {
      const before = await currentItemId(page);
      await page.keyboard.press('g');
      await page.getByTestId('jump-dialog').waitFor();
      await page.keyboard.type(target.itemId);
      await page.keyboard.press('Enter');
      await page.getByTestId('jump-dialog').waitFor({ state: 'detached' });
      if (before !== target.itemId) await expect.poll(() => page.getByTestId('annotate-view').getAttribute('data-item-id')).toBe(target.itemId);
      const order = await shownOrderOnScreen(page, responses, target.itemId);
      if (order.length === 2) {
        // A different category from alice's: she preferred one → bob ties; she tied → bob picks the left one.
        const key: PairKey = pairCategory(target.ranking) === 'tie' ? 'a' : 't';
        bob.push({ itemId: target.itemId, shownOrder: order, ...pairExpectation(key, order) });
        await page.keyboard.press(key);
      } else {
        // Reverse of alice's order: the response she put last is best.
        const worst = Math.max(...target.ranking);
        const typed = order.map((original) => worst - (target.ranking[original] as number) + 1);
        const ranking = rankingExpectation(typed, order);
        expect(ranking).not.toEqual(target.ranking);
        bob.push({ itemId: target.itemId, shownOrder: order, ranking, decision: 'ranked', strength: null });
        for (const rank of typed) await page.keyboard.press(String(rank));
        await page.keyboard.press('Enter');
      }
      await waitForNextItem(page, target.itemId);
    }
    await waitForSaves(page);

    const stored = readJudgments(projectDir);
    const bobs = stored.filter((judgment) => judgment.annotator === 'bob');
    expect(bobs.map((judgment) => [judgment.itemId, judgment.ranking]).sort()).toEqual(bob.map((entry) => [entry.itemId, entry.ranking]).sort());

    const expected = expectedPairAgreement(stored, 'alice', 'bob');
    expect(expected.items).toBe(4);
    await page.getByTestId('nav-agreement').click();
    await page.getByTestId('agreement-view').waitFor();
    await expect.poll(() => page.getByTestId('agreement-percent').textContent(), { timeout: 15_000 }).toBe(`${(expected.percent * 100).toFixed(1)}%`);
    expect(await page.getByTestId('agreement-kappa').textContent()).toBe(expected.kappa === null ? '–' : expected.kappa.toFixed(3));
    const row = page.locator('[data-testid="agreement-pair-row"][data-a="alice"][data-b="bob"]');
    expect(await row.getByTestId('agreement-pair-items').textContent()).toBe('4');
    expect(await row.getByTestId('agreement-pair-percent').textContent()).toBe(`${(expected.percent * 100).toFixed(1)}%`);
    expect(await row.getByTestId('agreement-pair-kappa').textContent()).toBe(expected.kappa === null ? '–' : expected.kappa.toFixed(3));
    expect(await page.getByTestId('agreement-conflicts').textContent()).toBe('5');
    expect(await page.getByTestId('agreement-alpha').textContent()).toMatch(/^(-?\d+\.\d{3}|–)$/);
    // Labels are set in capitals; the Greek letters keep their case (κ, not the K-like Κ).
    const label = (testId: string) => page.locator('.stat', { has: page.getByTestId(testId) }).locator('.stat-label').innerText();
    expect(await label('agreement-kappa')).toBe("COHEN'S κ");
    expect(await label('agreement-alpha')).toBe("KRIPPENDORFF'S α (RANKINGS)");
    await page.screenshot({ path: join(REPO_ROOT, 'test-results', 'screenshots', 'agreement.png'), fullPage: true });
  });

  it('(c) adjudicates the conflicts, and the exported seed JSONL carries the adjudicated rankings', async () => {
    const { page } = ui;
    expect(await page.getByTestId('conflict-item').count()).toBe(5);
    // Settle in alternation: bob's ranking on even conflicts, alice's on odd ones.
    const final = new Map<string, number[]>();
    for (const [index, entry] of bob.entries()) {
      const chosen = index % 2 === 0 ? entry.ranking : (aliceKept.find((a) => a.itemId === entry.itemId)?.ranking as number[]);
      final.set(entry.itemId, chosen);
      const card = page.locator(`[data-testid="conflict-item"][data-item-id="${entry.itemId}"]`);
      await card.locator(`[data-testid="adjudicate-option"][data-ranking="${JSON.stringify(chosen)}"]`).click();
      await card.waitFor({ state: 'detached', timeout: 15_000 });
    }
    await page.getByTestId('conflicts-empty').waitFor();
    await page.getByTestId('conflicts-include-adjudicated').check();
    await expect.poll(() => page.getByTestId('conflict-adjudicated').count()).toBe(5);

    const out = join(tempFolder('export'), 'seed.jsonl');
    await page.getByTestId('nav-home').click();
    await page.getByTestId('export-out-path').fill(out);
    await page.getByTestId('export-images-mode').selectOption('absolute');
    await page.getByTestId('export-submit').click();
    await page.getByTestId('export-report').waitFor({ timeout: 60_000 });

    const rows = readFileSync(out, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as { id: string; human_ranking: number[] | null });
    const exported = new Map(rows.map((row) => [row.id, row.human_ranking]));
    for (const [itemId, ranking] of final) expect({ itemId, ranking: exported.get(itemId) }).toEqual({ itemId, ranking });
    for (const entry of aliceKept) {
      if (!final.has(entry.itemId)) expect({ itemId: entry.itemId, ranking: exported.get(entry.itemId) }).toEqual({ itemId: entry.itemId, ranking: entry.ranking });
    }
    // The two undone judgments are gone from the export too (those items were unlabeled before).
    for (const undone of alice.slice(18)) expect(exported.has(undone.itemId)).toBe(false);
  });

  it('had no console errors or failed requests', () => {
    expect(ui.problems).toEqual([]);
  });
});
