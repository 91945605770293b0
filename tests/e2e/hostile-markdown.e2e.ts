/**
 * One item cannot blank the app (#13): a 3 KB response of 3,000 `>` used to overflow
 * react-markdown's stack, and with no error boundary React unmounted the whole app; a reload
 * landed on the same item. Here a TRL file carrying that response, a query made of it, and a
 * response of deeply nested emphasis (which the nesting cap does not catch, so the error boundary
 * must) is imported through the real server and annotated in Chromium: each hostile text is shown
 * as plain text with its note, the app stays up, and keyboard judgments land in project.sqlite.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAIN_TEXT_NOTE } from '../../renderer/components/markdown-text';
import { launchBrowser, openStudioPage, type StudioPage } from './harness/browser';
import { createProjectWithImport, openAnnotateAs } from './harness/annotate-steps';
import { queryProject } from './harness/project-db';
import { REPO_ROOT } from './harness/renderer-build';
import { startServe, type RunningStudio } from './harness/studio-process';
import { removeTempFolders, tempFolder } from './harness/temp-folders';

const DEEP_QUOTES = '>'.repeat(3000);
const DEEP_EMPHASIS = `${'*'.repeat(5000)}a${'*'.repeat(5000)}`;

const ROWS = [
  { id: 'deep-quote-response', prompt: 'Reply with anything.', chosen: DEEP_QUOTES, rejected: 'An ordinary answer.' },
  { id: 'deep-quote-query', prompt: DEEP_QUOTES, chosen: 'Fine.', rejected: 'Also fine.' },
  { id: 'deep-emphasis', prompt: 'Emphasise it.', chosen: DEEP_EMPHASIS, rejected: 'Plain.' },
  { id: 'ordinary', prompt: 'Say it **boldly**.', chosen: '**Bold** answer.', rejected: 'Quiet answer.' },
];

async function currentItemId(page: Page, notId = ''): Promise<string> {
  const view = page.getByTestId('annotate-view');
  await expect
    .poll(async () => {
      const id = await view.getAttribute('data-item-id');
      return id && id !== notId ? id : null;
    }, { timeout: 20_000 })
    .not.toBeNull();
  return (await view.getAttribute('data-item-id')) as string;
}

describe('hostile Markdown in Annotate', () => {
  let studio: RunningStudio;
  let browser: Browser;
  let ui: StudioPage;
  let projectDir: string;

  beforeAll(async () => {
    const home = tempFolder('home');
    const dataDir = tempFolder('data');
    mkdirSync(dataDir, { recursive: true });
    const file = join(dataDir, 'hostile.jsonl');
    writeFileSync(file, `${ROWS.map((row) => JSON.stringify(row)).join('\n')}\n`);
    projectDir = join(tempFolder('project'), 'hostile');
    studio = await startServe({ home });
    await createProjectWithImport(studio.url, { dir: projectDir, name: 'Hostile' }, { file, format: 'trl', split: 'train' }, ROWS.length);
    browser = await launchBrowser();
    ui = await openStudioPage(browser, studio.url);
  });

  afterAll(async () => {
    await ui?.context.close();
    await browser?.close();
    await studio?.stop();
    removeTempFolders();
  });

  it('shows hostile texts as plain text, keeps the app up, and judges every item by keyboard', async () => {
    const { page } = ui;
    await openAnnotateAs(page, 'dana');

    const responses = page.getByTestId('annotate-responses');
    const thread = page.getByTestId('conversation-thread');
    const seen = new Set<string>();
    let id = await currentItemId(page);
    for (let turn = 0; turn < ROWS.length; turn += 1) {
      seen.add(id);
      const fallbacks = page.getByTestId('markdown-fallback');
      if (id === 'deep-quote-response' || id === 'deep-emphasis') {
        await responses.getByTestId('markdown-fallback').waitFor();
        expect(await responses.getByTestId('markdown-fallback').count()).toBe(1);
        expect(await responses.getByTestId('markdown-fallback').textContent()).toContain(PLAIN_TEXT_NOTE);
        const raw = id === 'deep-emphasis' ? DEEP_EMPHASIS : DEEP_QUOTES;
        expect(await responses.locator('.markdown-fallback-text').textContent()).toBe(raw);
        // For a person to look at (not compared).
        await page.screenshot({ path: join(REPO_ROOT, 'test-results', 'screenshots', `markdown-fallback-${id}.png`) });
      } else if (id === 'deep-quote-query') {
        await thread.getByTestId('markdown-fallback').waitFor();
        expect(await thread.locator('.markdown-fallback-text').textContent()).toBe(DEEP_QUOTES);
        expect(await responses.getByTestId('markdown-fallback').count()).toBe(0);
      } else {
        // The item after a hostile one is Markdown again: the boundary does not stick.
        await responses.locator('strong', { hasText: 'Bold' }).waitFor();
        expect(await fallbacks.count()).toBe(0);
      }
      // The app is still mounted and the keyboard still judges.
      expect(await page.getByTestId('app').isVisible()).toBe(true);
      await page.keyboard.press('a');
      if (turn < ROWS.length - 1) id = await currentItemId(page, id);
    }
    expect([...seen].sort()).toEqual(ROWS.map((row) => row.id).sort());
    await expect.poll(() => page.getByTestId('queue-decided').textContent(), { timeout: 20_000 }).toBe(String(ROWS.length));
    await expect.poll(() => page.getByTestId('queue-saving').count(), { timeout: 15_000 }).toBe(0);

    const judged = queryProject<{ id: string }>(
      projectDir,
      `SELECT i.id FROM judgments j JOIN items i ON i.rowid = j.item_rowid JOIN annotators a ON a.id = j.annotator_id WHERE a.name = 'dana' ORDER BY i.id`,
    );
    expect(judged.map((row) => row.id)).toEqual(ROWS.map((row) => row.id).sort());
    // The end of the queue is not a dead end: it offers to train on what is labeled.
    const train = page.getByTestId('annotate-train-next');
    await train.waitFor({ timeout: 15_000 });
    expect(await train.textContent()).toMatch(/^Train on \d+ labeled items$/);
    await page.screenshot({ path: join(REPO_ROOT, 'test-results', 'screenshots', 'annotate-end-of-queue.png') });
    await train.click();
    await expect.poll(() => page.locator('[data-testid^="nav-"][aria-current="page"]').getAttribute('data-testid')).toBe('nav-train');
    // React reports the error the boundary caught on the console; nothing else may go wrong.
    expect(ui.problems.filter((problem) => !/Maximum call stack|react\.dev\/errors|The above error occurred/i.test(problem))).toEqual([]);
  });
});
