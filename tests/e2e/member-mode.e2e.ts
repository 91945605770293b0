/**
 * A team member in the real UI against a real `serve` (issue #16). The owner (through the contract
 * socket) sets a plan handing out 2 items at a time, writes guidelines and invites alice as an
 * annotator. alice opens her link: she sees Annotate only (a hidden view in the address bar lands
 * there), reads and accepts the guidelines, is never asked her name, judges 3 items by keyboard —
 * the third handed out when she reached the end of her first batch — and the toolbar counts 3.
 * She judges the rest, is told nothing more is assigned, and "Check again" brings an item the
 * owner imported since. The owner revokes her link: the page says it no longer works.
 * Screenshots: test-results/screenshots/member-mode/.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjectWithImport, waitForNextItem } from './harness/annotate-steps';
import { launchBrowser, openStudioPage, type StudioPage } from './harness/browser';
import { openContractSocket, type ContractSocket } from './harness/contract-socket';
import { queryProject } from './harness/project-db';
import { REPO_ROOT } from './harness/renderer-build';
import { startServe, type RunningStudio } from './harness/studio-process';
import { removeTempFolders, tempFolder } from './harness/temp-folders';

const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'screenshots', 'member-mode');
const ROWS = 12;
const GUIDELINES = '# How to judge\n\nPrefer the response that **answers the question** correctly.\n\n- A wrong answer loses to a right one.\n- Both wrong: press `x`.';

async function currentItemId(page: Page): Promise<string> {
  const view = page.getByTestId('annotate-view');
  await expect.poll(() => view.getAttribute('data-item-id'), { timeout: 15_000 }).not.toBe('');
  return (await view.getAttribute('data-item-id')) as string;
}

describe('member mode', () => {
  let studio: RunningStudio;
  let owner: ContractSocket;
  let browser: Browser;
  let ui: StudioPage;
  let projectDir: string;
  let memberId: number;

  beforeAll(async () => {
    rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const home = tempFolder('home');
    const file = join(tempFolder('data'), 'pairs.jsonl');
    const rows = Array.from({ length: ROWS }, (_, index) => ({
      id: `q${String(index + 1).padStart(2, '0')}`,
      prompt: `What is ${index + 1} + 1?`,
      chosen: `${index + 2}.`,
      rejected: `${index + 3}.`,
    }));
    writeFileSync(file, `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`);
    projectDir = join(tempFolder('project'), 'team');
    studio = await startServe({ home });
    await createProjectWithImport(studio.url, { dir: projectDir, name: 'Team project' }, { file, format: 'trl', split: 'train' }, ROWS);
    owner = await openContractSocket(studio.url);
    // The TRL import's chosen/rejected is itself a judgment (by "import"), which counts as one vote:
    // overlap 2 leaves one more to hand out per item.
    await owner.invoke('team.setPlan', { overlap: 2, split: null, leaseMinutes: 30, batch: 2, goldRate: 0 });
    await owner.invoke('team.setGuidelines', { markdown: GUIDELINES });
    const invite = await owner.invoke('team.invite', { name: 'alice', role: 'annotator' });
    memberId = invite.member.id;
    browser = await launchBrowser();
    ui = await openStudioPage(browser, `${studio.origin}/?token=${encodeURIComponent(invite.secret)}`);
  });

  afterAll(async () => {
    owner?.close();
    await ui?.context.close();
    await browser?.close();
    await studio?.stop();
    removeTempFolders();
  });

  it('shows an annotator Annotate only, with the guidelines to accept first and no name to choose', async () => {
    const { page } = ui;
    await expect.poll(() => page.getByTestId('app').getAttribute('data-role'), { timeout: 15_000 }).toBe('annotator');
    const modal = page.getByTestId('guidelines-modal');
    await modal.waitFor();
    await expect.poll(() => modal.textContent()).toContain('answers the question');
    await page.screenshot({ path: join(SCREENSHOT_DIR, '1-guidelines-modal.png') });
    await page.getByTestId('guidelines-accept').click();
    await modal.waitFor({ state: 'detached' });

    await page.getByTestId('view-annotate').waitFor();
    const navButtons = page.getByTestId('side-nav').locator('button');
    expect(await navButtons.count()).toBe(1);
    expect(await page.getByTestId('nav-annotate').isVisible()).toBe(true);
    expect(await page.getByTestId('settings-dialog').count()).toBe(0);
    expect(await page.getByTestId('queue-annotator').textContent()).toBe('alice');
    expect(await page.getByTestId('top-annotator').textContent()).toBe('alice');
    expect(await page.getByTestId('queue-order').count()).toBe(0);
    expect(await page.getByTestId('model-loop').count()).toBe(0);
    expect(await page.getByTestId('guidelines-version').textContent()).toBe('version 1');
    // Accepted for good: the server remembers it.
    const members = await owner.invoke('team.members', {});
    expect(members.find((member) => member.id === memberId)?.guidelinesSeen).toBe(1);
  });

  it('judges 3 items by keyboard, the third handed out at the end of the first batch, and counts them', async () => {
    const { page } = ui;
    let id = await currentItemId(page);
    const judged: string[] = [];
    for (let step = 0; step < 3; step += 1) {
      judged.push(id);
      await page.keyboard.press('a');
      if (step < 2) id = await waitForNextItem(page, id);
    }
    await expect.poll(() => page.getByTestId('my-progress-counts').textContent(), { timeout: 15_000 }).toBe('Today 3 · total 3');
    const stored = queryProject<{ itemId: string }>(
      projectDir,
      `SELECT i.id AS itemId FROM judgments j JOIN items i ON i.rowid = j.item_rowid JOIN annotators a ON a.id = j.annotator_id WHERE a.name = ? ORDER BY i.id`,
      'alice',
    );
    expect(stored.map((row) => row.itemId).sort()).toEqual([...judged].sort());
    await page.screenshot({ path: join(SCREENSHOT_DIR, '2-judging.png') });
  });

  it('sends a hidden view typed in the address bar to Annotate, and shows the name read-only', async () => {
    const { page } = ui;
    await page.evaluate(() => {
      window.location.hash = '#/runs';
    });
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#/annotate');
    await page.getByTestId('view-annotate').waitFor();

    await page.getByTestId('open-settings').click();
    const signedIn = page.getByTestId('member-signed-in');
    await signedIn.waitFor();
    expect(await signedIn.textContent()).toBe('You are signed in as alice (annotator). Names come from your invite link.');
    expect(await page.getByTestId('annotator-name-input').count()).toBe(0);
    await page.keyboard.press('Escape');
    await page.getByTestId('settings-dialog').waitFor({ state: 'detached' });
  });

  it('says when nothing more is assigned, and "Check again" picks up items the owner added since', async () => {
    const { page } = ui;
    const view = page.getByTestId('annotate-view');
    // alice judges the rest of the project (each item needs her one vote), batch after batch.
    for (let guard = 0; guard < ROWS + 2; guard += 1) {
      const status = await view.getAttribute('data-status');
      if (status === 'done') break;
      const id = await view.getAttribute('data-item-id');
      if (status === 'ready' && id) {
        await page.keyboard.press('a');
        await expect.poll(async () => (await view.getAttribute('data-item-id')) !== id || (await view.getAttribute('data-status')) === 'done', { timeout: 15_000 }).toBe(true);
      } else {
        await page.waitForTimeout(100);
      }
    }
    const done = page.getByTestId('annotate-done');
    await done.waitFor();
    expect(await done.textContent()).toContain('Nothing more is assigned to you right now');
    await expect.poll(() => page.getByTestId('my-progress-counts').textContent(), { timeout: 15_000 }).toBe(`Today ${ROWS} · total ${ROWS}`);
    await page.screenshot({ path: join(SCREENSHOT_DIR, '3-nothing-assigned.png') });

    const more = join(tempFolder('data'), 'more.jsonl');
    writeFileSync(more, `${JSON.stringify({ id: 'late-1', prompt: 'What is 20 + 1?', chosen: '21.', rejected: '22.' })}\n`);
    const report = await owner.invoke('dataset.import', { file: more, format: 'trl', split: 'train' });
    expect(report.added).toBe(1);
    await page.getByTestId('annotate-check-again').click();
    await expect.poll(() => view.getAttribute('data-item-id'), { timeout: 15_000 }).toBe('late-1');
  });

  it('shows a reviewer Annotate and Agreement', async () => {
    const invite = await owner.invoke('team.invite', { name: 'bob', role: 'reviewer' });
    const reviewer = await openStudioPage(browser, `${studio.origin}/?token=${encodeURIComponent(invite.secret)}`);
    try {
      const { page } = reviewer;
      await expect.poll(() => page.getByTestId('app').getAttribute('data-role'), { timeout: 15_000 }).toBe('reviewer');
      const nav = page.getByTestId('side-nav').locator('button');
      expect(await nav.evaluateAll((buttons) => buttons.map((button) => button.getAttribute('data-testid')))).toEqual(['nav-annotate', 'nav-agreement', 'nav-team']);
      await page.getByTestId('guidelines-accept').click();
      await page.getByTestId('nav-agreement').click();
      await page.getByTestId('view-agreement').waitFor();
    } finally {
      await reviewer.context.close();
    }
  });

  it('says the link no longer works once the owner revokes it', async () => {
    const { page } = ui;
    await owner.invoke('team.revoke', { memberId });
    const revoked = page.getByTestId('link-revoked');
    await revoked.waitFor({ timeout: 15_000 });
    expect(await revoked.textContent()).toContain('This link no longer works (revoked or expired). Ask the project owner for a new one.');
    await page.screenshot({ path: join(SCREENSHOT_DIR, '4-revoked.png') });
  });
});
