/**
 * Accessibility of every view on the sample project (#14 item 3): axe-core runs in the page on
 * Home, the project switcher (the welcome screen's forms), Annotate with its name, note and
 * shortcut dialogs, Items with an item open, Agreement, Train, Runs, Evaluate, Compare and Models,
 * and no violation of impact serious or critical may remain. Then the keyboard: Tab walks the
 * first focus stops of Home and Annotate, and each focused element must show a visible ring.
 * The light theme gets the same scan on the views without dialogs (its colours differ).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from './harness/axe';
import { openStudioPage } from './harness/browser';
import { openSampleStudio, type SampleStudio } from './harness/sample-studio';

/** How many Tab presses each focus walk takes: enough to leave the shell and reach the view's own controls. */
const FOCUS_STOPS = 25;

/** What the focused element shows, and whether that counts as a visible focus ring. */
interface FocusLook {
  label: string;
  visible: boolean;
}

/**
 * A ring counts when it is drawn in the accent colour: an outline (style not none, width > 0) or a
 * box-shadow. Plain "any outline" would not do: Chromium's own default ring (outline-style auto)
 * would pass it, so a missing studio rule would go unnoticed, and on the dark theme that thin
 * default ring is hard to see. The accent is read from the page, so both themes work.
 */
async function focusedLook(page: Page): Promise<FocusLook | null> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return null;
    const probe = document.createElement('span');
    probe.style.color = 'var(--accent)';
    document.body.append(probe);
    const accent = getComputedStyle(probe).color;
    probe.remove();
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 && style.outlineColor === accent;
    const shadow = style.boxShadow !== 'none' && style.boxShadow.includes(accent);
    const name = element.getAttribute('data-testid') ?? element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 30) ?? '';
    return { label: `${element.tagName.toLowerCase()} "${name}" (outline ${style.outlineStyle} ${style.outlineColor}, shadow ${style.boxShadow})`, visible: outline || shadow };
  });
}

/**
 * Presses Tab FOCUS_STOPS times from the top of the page and returns the focused elements that
 * showed no ring. Starting from <body> makes the walk the same whatever had focus before; a view
 * with fewer stops (Annotate keeps its controls on keys, out of the Tab order) wraps around.
 * Checked once by hand: without base.css's :focus-visible rule both walks fail (the top bar's
 * settings button falls back to Chromium's default ring).
 */
async function elementsWithoutFocusRing(page: Page): Promise<string[]> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const missing: string[] = [];
  for (let stop = 0; stop < FOCUS_STOPS; stop += 1) {
    await page.keyboard.press('Tab');
    const look = await focusedLook(page);
    if (look && !look.visible) missing.push(look.label);
  }
  return missing;
}

/** Opens a view from the side nav and waits for one of its roots (a view without data shows its empty state). */
async function openView(page: Page, view: string, rootTestIds: readonly string[]): Promise<void> {
  await page.getByTestId(`nav-${view}`).click();
  await page.locator(rootTestIds.map((id) => `[data-testid="${id}"]`).join(', ')).first().waitFor();
}

describe('accessibility (axe-core) and visible focus', () => {
  let opened: SampleStudio | undefined;
  let page: Page;

  beforeAll(async () => {
    opened = await openSampleStudio();
    page = opened.ui.page;
  });

  afterAll(async () => {
    await opened?.close();
  });

  it('Home', async () => {
    await page.getByTestId('home').waitFor();
    await page.getByTestId('first-steps').waitFor();
    await page.getByTestId('past-imports').waitFor();
    await expectNoSeriousViolations(page, 'home');
  });

  it('Home: Tab shows a focus ring on every stop', async () => {
    expect(await elementsWithoutFocusRing(page)).toEqual([]);
  });

  it('project switcher (the welcome screen’s recent list and forms)', async () => {
    await page.getByTestId('project-switcher').click();
    await page.getByTestId('project-switcher-popover').waitFor();
    await expectNoSeriousViolations(page, 'project switcher');
    await page.getByTestId('project-switcher').click();
    await page.getByTestId('project-switcher-popover').waitFor({ state: 'detached' });
  });

  it('Annotate: the name dialog, the queue, the note dialog and the shortcut overlay', async () => {
    await page.getByTestId('nav-annotate').click();
    await page.getByTestId('settings-dialog').waitFor();
    await expectNoSeriousViolations(page, 'annotate name dialog');
    await page.keyboard.type('axe');
    await page.keyboard.press('Enter');
    await page.getByTestId('settings-dialog').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('annotate-view').getAttribute('data-status'), { timeout: 15_000 }).toBe('ready');
    await expectNoSeriousViolations(page, 'annotate');

    await page.keyboard.press('n');
    await page.getByTestId('note-dialog').waitFor();
    await expectNoSeriousViolations(page, 'note dialog');
    await page.keyboard.press('Escape');
    await page.getByTestId('note-dialog').waitFor({ state: 'detached' });

    await page.keyboard.press('?');
    await page.getByTestId('shortcut-overlay').waitFor();
    await expectNoSeriousViolations(page, 'shortcut overlay');
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcut-overlay').waitFor({ state: 'detached' });
  });

  it('Annotate: Tab shows a focus ring on every stop', async () => {
    expect(await elementsWithoutFocusRing(page)).toEqual([]);
  });

  it('Items with an item open', async () => {
    await openView(page, 'items', ['items-view']);
    await page.getByTestId('item-row').first().click();
    await page.getByTestId('item-detail').waitFor();
    await page.getByTestId('detail-response').first().waitFor();
    await expectNoSeriousViolations(page, 'items');
  });

  it('Agreement', async () => {
    await openView(page, 'agreement', ['agreement-view']);
    await expectNoSeriousViolations(page, 'agreement');
  });

  it('Train (start a run)', async () => {
    await openView(page, 'train', ['train-view']);
    await expectNoSeriousViolations(page, 'train');
  });

  it('Runs', async () => {
    await openView(page, 'runs', ['runs-view', 'runs-empty']);
    await expectNoSeriousViolations(page, 'runs');
  });

  it('Evaluate', async () => {
    await openView(page, 'evaluate', ['evaluate-view']);
    await expectNoSeriousViolations(page, 'evaluate');
  });

  it('Compare', async () => {
    await openView(page, 'compare', ['compare-view', 'compare-setup']);
    await expectNoSeriousViolations(page, 'compare');
  });

  it('Models', async () => {
    await openView(page, 'models', ['models-view']);
    await expectNoSeriousViolations(page, 'models');
  });

  it('light theme: the views again, in a second page of the same browser', async () => {
    if (!opened) throw new Error('no studio');
    const light = await openStudioPage(opened.browser, opened.studio.url, 'light');
    try {
      await light.page.getByTestId('home').waitFor();
      await light.page.getByTestId('first-steps').waitFor();
      await expectNoSeriousViolations(light.page, 'light home');
      const views: readonly [string, readonly string[]][] = [
        ['items', ['items-view']],
        ['agreement', ['agreement-view']],
        ['train', ['train-view']],
        ['runs', ['runs-view', 'runs-empty']],
        ['evaluate', ['evaluate-view']],
        ['compare', ['compare-view', 'compare-setup']],
        ['models', ['models-view']],
      ];
      for (const [view, roots] of views) {
        await openView(light.page, view, roots);
        if (view === 'items') await light.page.getByTestId('item-detail').waitFor();
        await expectNoSeriousViolations(light.page, `light ${view}`);
      }
    } finally {
      await light.context.close();
    }
  });
});
