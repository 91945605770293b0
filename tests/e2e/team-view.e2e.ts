/**
 * The Team view in the browser, as the owner: invite an annotator and a reviewer through the UI
 * (the one-time link is shown with this studio's address), set the assignment plan, save the
 * guidelines as version 1, see the members listed; revoke one and see it marked revoked. A judged
 * item becomes a gold item from the Items view and is listed under Gold items. The reviewer's link
 * opens the read-only variant (progress and guidelines, no people or plan). The view is checked for
 * sideways overflow at 1100 px and for serious axe findings, and screenshotted to test-results/screenshots/team/
 * (the README's picture, with real progress, comes from team.e2e.ts).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from './harness/axe';
import { launchBrowser, openStudioPage, type StudioPage } from './harness/browser';
import { openContractSocket } from './harness/contract-socket';
import { REPO_ROOT } from './harness/renderer-build';
import { runCli, startServe, type RunningStudio } from './harness/studio-process';
import { removeTempFolders, tempFolder } from './harness/temp-folders';

const SHOTS = join(REPO_ROOT, 'test-results', 'screenshots', 'team');
mkdirSync(SHOTS, { recursive: true });

/** Toasts closed and the view scrolled to its top, so the picture shows the view itself. */
async function screenshot(page: Page, name: string): Promise<void> {
  const dismiss = page.getByTestId('toast-dismiss');
  while ((await dismiss.count()) > 0) await dismiss.first().click();
  await page.locator('main.view').evaluate((view) => view.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}

async function invite(page: Page, name: string, role: 'annotator' | 'reviewer', hours?: number): Promise<string> {
  await page.getByTestId('team-invite-name').fill(name);
  await page.getByTestId('team-invite-role').selectOption(role);
  await page.getByTestId('team-invite-expiry').fill(hours === undefined ? '' : String(hours));
  await page.getByTestId('team-invite-submit').click();
  const link = page.getByTestId('team-invite-link');
  await expect.poll(() => link.textContent()).toContain(name);
  const url = await page.getByTestId('team-invite-link-text').inputValue();
  return url;
}

function memberRow(page: Page, name: string) {
  return page.locator(`[data-testid="team-member-row"][data-member-name="${name}"]`);
}

describe('the Team view (owner, reviewer)', () => {
  let studio: RunningStudio;
  let browser: Browser;
  let ui: StudioPage;
  let reviewerLink = '';
  let judgedItemId = '';

  beforeAll(async () => {
    const home = tempFolder('home');
    const sampleDir = join(tempFolder('sample'), 'sample-project');
    await runCli(home, ['sample-project', sampleDir]);
    studio = await startServe({ home, project: sampleDir });
    const socket = await openContractSocket(studio.url);
    try {
      const judged = await socket.invoke('items.list', { status: 'labeled', judged: 'any', order: 'id', offset: 0, limit: 1 });
      judgedItemId = judged.items[0]?.id ?? '';
    } finally {
      socket.close();
    }
    browser = await launchBrowser();
    ui = await openStudioPage(browser, studio.url);
  });

  afterAll(async () => {
    await ui?.context.close();
    await browser?.close();
    await studio?.stop();
    removeTempFolders();
  });

  it('opens Team after Agreement in the nav, as the owner', async () => {
    const { page } = ui;
    const entries = await page.locator('[data-testid^="nav-"]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-testid')));
    expect(entries.indexOf('nav-team')).toBe(entries.indexOf('nav-agreement') + 1);
    await page.getByTestId('nav-team').click();
    await expect.poll(() => page.getByTestId('team-view').getAttribute('data-role')).toBe('owner');
    await page.getByTestId('team-people').waitFor();
    await page.getByTestId('team-progress').waitFor();
    await page.getByTestId('team-members-empty').waitFor();
  });

  it('invites an annotator and a reviewer; each link is this studio with ?token= and shown once', async () => {
    const { page } = ui;
    const annotatorLink = await invite(page, 'Ada', 'annotator', 48);
    expect(annotatorLink.startsWith(`${studio.origin}/?token=`)).toBe(true);
    expect(new URL(annotatorLink).searchParams.get('token')?.length).toBeGreaterThan(10);
    await memberRow(page, 'Ada').waitFor();

    reviewerLink = await invite(page, 'Rui', 'reviewer');
    expect(reviewerLink).not.toBe(annotatorLink);
    await memberRow(page, 'Rui').waitFor();
    await page.getByTestId('team-invite-done').click();
    await page.getByTestId('team-invite-link').waitFor({ state: 'detached' });

    expect(await memberRow(page, 'Ada').getByTestId('team-member-status').textContent()).toBe('active');
    expect(await memberRow(page, 'Rui').locator('td').nth(1).textContent()).toBe('reviewer');
    expect(await memberRow(page, 'Ada').locator('td').nth(4).textContent()).toBe('not yet');
  });

  it('sets the assignment plan (gold rate as a percentage)', async () => {
    const { page } = ui;
    await page.getByTestId('team-plan-overlap').fill('3');
    await page.getByTestId('team-plan-split').selectOption('train');
    await page.getByTestId('team-plan-lease').fill('45');
    await page.getByTestId('team-plan-batch').fill('4');
    await page.getByTestId('team-plan-gold').fill('10');
    await page.getByTestId('team-plan-save').click();
    await expect.poll(() => page.getByTestId('team-plan-save').isDisabled()).toBe(true);

    const socket = await openContractSocket(studio.url);
    try {
      expect(await socket.invoke('team.plan', {})).toEqual({ overlap: 3, split: 'train', search: null, flagged: null, leaseMinutes: 45, batch: 4, goldRate: 0.1 });
    } finally {
      socket.close();
    }
    await expect.poll(() => page.getByTestId('team-progress-complete').locator('..').textContent()).toContain('≥ 3');
  });

  it('saves the guidelines as version 1, with a live preview', async () => {
    const { page } = ui;
    await expect.poll(() => page.getByTestId('team-guidelines-save').textContent()).toBe('Save as version 1');
    await page.getByTestId('team-guidelines-input').fill('# How to judge\n\n- Prefer the **correct** answer.\n- Ties only when equal.');
    await expect.poll(() => page.getByTestId('team-guidelines-preview').locator('strong').textContent()).toBe('correct');
    await page.getByTestId('team-guidelines-save').click();
    await expect.poll(() => page.getByTestId('team-guidelines-version').textContent()).toMatch(/^v1 · /);
    await expect.poll(() => page.getByTestId('team-guidelines-save').textContent()).toBe('Save as version 2');
    expect(await page.getByTestId('team-guidelines-save').isDisabled()).toBe(true);
    await page.getByTestId('team-guidelines-history').waitFor();
  });

  it('makes a judged item a gold item from the Items view and lists it under Gold items', async () => {
    expect(judgedItemId).not.toBe('');
    const { page } = ui;
    await page.evaluate((id) => {
      window.location.hash = `#/items/${encodeURIComponent(id)}`;
    }, judgedItemId);
    const detail = page.getByTestId('item-detail');
    await expect.poll(() => detail.getAttribute('data-item-id')).toBe(judgedItemId);
    const button = page.getByTestId('detail-use-as-gold');
    await expect.poll(() => button.isEnabled()).toBe(true);
    await button.click();
    await page.getByTestId('detail-gold-tag').waitFor();
    await screenshot(page, 'items-gold-tag');

    await page.getByTestId('nav-team').click();
    await page.locator(`[data-testid="team-gold-row"][data-item-id="${judgedItemId}"]`).waitFor();
    await expect.poll(() => page.getByTestId('team-progress-gold').textContent()).toBe('1');
  });

  it('reaches every control by Tab, and invites by typing and Enter', async () => {
    const { page } = ui;
    await page.getByTestId('nav-team').focus();
    const reached = new Set<string>();
    for (let stop = 0; stop < 60; stop += 1) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '');
      if (id) reached.add(id);
    }
    for (const id of [
      'team-progress-open-conflicts',
      'team-invite-name',
      'team-invite-role',
      'team-invite-expiry',
      'team-member-revoke',
      'team-plan-overlap',
      'team-plan-split',
      'team-plan-gold',
      'team-gold-remove',
      'team-guidelines-input',
    ]) {
      expect(reached, id).toContain(id);
    }
    await page.getByTestId('team-invite-name').focus();
    await page.keyboard.type('Kim');
    await page.keyboard.press('Enter');
    await memberRow(page, 'Kim').waitFor();
    await page.getByTestId('team-invite-done').click();
  });

  it('revokes a member after confirming, and shows them revoked', async () => {
    const { page } = ui;
    await memberRow(page, 'Ada').getByTestId('team-member-revoke').click();
    const dialog = page.getByTestId('team-revoke-dialog');
    await dialog.waitFor();
    await page.getByTestId('team-revoke-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => memberRow(page, 'Ada').getAttribute('data-status')).toBe('revoked');
    expect(await memberRow(page, 'Ada').getByTestId('team-member-revoke').count()).toBe(0);
    expect(await memberRow(page, 'Rui').getAttribute('data-status')).toBe('active');
  });

  it('fits 1100 px without sideways overflow, and is screenshotted', async () => {
    const { page } = ui;
    await page.setViewportSize({ width: 1100, height: 1400 });
    await page.getByTestId('team-people').waitFor();
    const overflow = await page.getByTestId('view-team').evaluate((view) => view.scrollWidth - view.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'owner-1100');
    await expectNoSeriousViolations(page, 'team (owner)');
    // The README's picture: the size of the other docs/screenshots.
    await page.setViewportSize({ width: 1440, height: 900 });
    await screenshot(page, 'owner-1440');
    expect(ui.problems.filter((problem) => !problem.includes('favicon'))).toEqual([]);
  });

  it("the reviewer's link opens a read-only Team: progress and guidelines, no people, plan or gold", async () => {
    expect(reviewerLink).not.toBe('');
    const reviewer = await openStudioPage(browser, `${reviewerLink}#/team`);
    try {
      const { page } = reviewer;
      await expect.poll(() => page.getByTestId('team-view').getAttribute('data-role'), { timeout: 15_000 }).toBe('reviewer');
      await page.getByTestId('team-progress').waitFor();
      await expect.poll(() => page.getByTestId('team-guidelines-read').textContent()).toContain('How to judge');
      expect(await page.getByTestId('team-people').count()).toBe(0);
      expect(await page.getByTestId('team-assignment').count()).toBe(0);
      expect(await page.getByTestId('team-gold').count()).toBe(0);
      expect(await page.getByTestId('team-guidelines-input').count()).toBe(0);
      await page.setViewportSize({ width: 1100, height: 900 });
      await screenshot(page, 'reviewer-1100');
      await expectNoSeriousViolations(page, 'team (reviewer)');
    } finally {
      await reviewer.context.close();
    }
  });
});
