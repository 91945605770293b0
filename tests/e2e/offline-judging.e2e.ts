/**
 * Judging survives a dropped connection (issue #13). In the real UI against a real `serve`:
 * carol judges a few items by keyboard; `serve` is killed (SIGKILL); she judges more while it is
 * down and the "N not yet saved" badge counts them; `serve` restarts on the same project and port
 * (keeping its token); without reloading the page, every judgment lands in project.sqlite exactly
 * once and the badge goes away. Then a judgment made offline in a tab that is closed before the
 * server returns is sent by the next tab opened on the studio (it was kept in IndexedDB).
 * Screenshot: test-results/screenshots/offline-pending-badge.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAnnotateAs, waitForNextItem } from './harness/annotate-steps';
import { openSampleStudio, type SampleStudio } from './harness/sample-studio';
import { REPO_ROOT } from './harness/renderer-build';
import { startServe, type RunningStudio } from './harness/studio-process';

const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'screenshots');
const ANNOTATOR = 'carol';
/** Judged while the server is down: the session prefetches 3 items ahead, so 3 are on hand. */
const OFFLINE_JUDGMENTS = 3;

interface StoredRow {
  itemId: string;
  history: number;
}

/** carol's judgments with the number of history rows each item has (1 = applied once). */
function storedJudgments(projectDir: string): StoredRow[] {
  const db = new Database(join(projectDir, 'project.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        `SELECT i.id AS itemId,
                (SELECT count(*) FROM judgment_history h WHERE h.item_rowid = j.item_rowid AND h.annotator_id = j.annotator_id) AS history
           FROM judgments j JOIN items i ON i.rowid = j.item_rowid JOIN annotators a ON a.id = j.annotator_id
          WHERE a.name = ? ORDER BY i.id`,
      )
      .all(ANNOTATOR) as StoredRow[];
  } finally {
    db.close();
  }
}

async function currentItemId(page: Page): Promise<string> {
  const view = page.getByTestId('annotate-view');
  await expect.poll(() => view.getAttribute('data-item-id'), { timeout: 15_000 }).not.toBe('');
  return (await view.getAttribute('data-item-id')) as string;
}

/** Judges the item on screen by keyboard (a pair: "a"; more responses: ranks 1..N, Enter); returns the next item's id. */
async function judgeByKeyboard(page: Page, itemId: string): Promise<string> {
  const responses = await page.getByTestId('annotate-response').count();
  if (responses === 2) {
    await page.keyboard.press('a');
  } else {
    for (let rank = 1; rank <= responses; rank += 1) await page.keyboard.press(String(rank));
    await expect.poll(() => page.getByTestId('ranking-commit').isDisabled()).toBe(false);
    await page.keyboard.press('Enter');
  }
  return waitForNextItem(page, itemId);
}

/** Whether the page's beforeunload handler would ask the person before leaving. */
async function asksBeforeLeaving(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const event = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(event);
    return event.defaultPrevented;
  });
}

describe('judging while the server is down', () => {
  let opened: SampleStudio | undefined;
  let restarted: RunningStudio | undefined;
  const judged: string[] = [];

  beforeAll(async () => {
    opened = await openSampleStudio();
  });

  afterAll(async () => {
    await restarted?.stop();
    await opened?.close();
  });

  it('keeps judgments made offline, resends them after a restart without a reload, and shows how many wait', async () => {
    const { ui, studio, home, projectDir } = opened as SampleStudio;
    const { page } = ui;
    const port = new URL(studio.url).port;
    await openAnnotateAs(page, ANNOTATOR);

    let id = await currentItemId(page);
    for (let n = 0; n < 3; n += 1) {
      judged.push(id);
      id = await judgeByKeyboard(page, id);
    }
    await expect.poll(() => storedJudgments(projectDir).length, { timeout: 15_000 }).toBe(3);
    // Let the prefetch of the next items finish: they are what can be judged offline.
    await page.waitForLoadState('networkidle');

    await studio.kill();
    await page.getByTestId('connection-banner').waitFor({ timeout: 15_000 }).catch(() => undefined);
    for (let n = 0; n < OFFLINE_JUDGMENTS; n += 1) {
      judged.push(id);
      id = await judgeByKeyboard(page, id);
    }
    const badge = page.getByTestId('pending-badge');
    await expect.poll(() => badge.getAttribute('data-pending'), { timeout: 15_000 }).toBe(String(OFFLINE_JUDGMENTS));
    expect(await badge.textContent()).toBe(`${OFFLINE_JUDGMENTS} not yet saved`);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'offline-pending-badge.png') });
    expect(storedJudgments(projectDir)).toHaveLength(3);
    expect(await asksBeforeLeaving(page)).toBe(true);

    // Same project, same port, same settings folder: the token is kept, so the tab's reconnect is accepted.
    restarted = await startServe({ home, project: projectDir, extraArgs: ['--port', port] });
    expect(restarted.url).toBe(studio.url);
    await expect.poll(() => storedJudgments(projectDir).map((row) => row.itemId), { timeout: 45_000 }).toEqual([...judged].sort());
    expect(storedJudgments(projectDir).every((row) => row.history === 1)).toBe(true);
    await badge.waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(() => page.getByTestId('queue-decided').textContent()).toBe(String(judged.length));
    expect(await asksBeforeLeaving(page)).toBe(false);
  });

  it('sends a judgment from a tab closed while the server was down, from the next tab opened', async () => {
    const { ui, home, projectDir } = opened as SampleStudio;
    const server = restarted as RunningStudio;
    const { page } = ui;
    const port = new URL(server.url).port;
    const id = await currentItemId(page);
    await page.waitForLoadState('networkidle');
    await server.kill();
    await judgeByKeyboard(page, id);
    judged.push(id);
    await expect.poll(() => page.getByTestId('pending-badge').getAttribute('data-pending'), { timeout: 15_000 }).toBe('1');
    await page.close();

    restarted = await startServe({ home, project: projectDir, extraArgs: ['--port', port] });
    const next = await ui.context.newPage();
    await next.goto(restarted.url);
    await next.getByTestId('app').waitFor();
    await expect.poll(() => storedJudgments(projectDir).map((row) => row.itemId), { timeout: 30_000 }).toEqual([...judged].sort());
    expect(storedJudgments(projectDir).every((row) => row.history === 1)).toBe(true);
  });
});
