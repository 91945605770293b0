/**
 * Whole conversations in the UI: a TRL conversational file with an implicit prompt (each row's
 * `chosen` and `rejected` are full message lists — a system message, three user turns, earlier
 * assistant turns, a tool call and its result, an image — sharing everything but the last
 * assistant message) is written here, imported through the real server, and annotated in
 * Chromium. The earlier turns fold into one line and unfold with `c`; the last user turn is
 * always on screen; the layout does not move; the keyboard judgments land in project.sqlite in
 * original response indices. Items' detail shows the same thread. A project without any image
 * gets no image column. Also writes docs/screenshots/annotate-conversation.png (UPDATE_SCREENSHOTS=1).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openStudioPage, type StudioPage } from './harness/browser';
import { createProjectWithImport, openAnnotateAs } from './harness/annotate-steps';
import { REPO_ROOT } from './harness/renderer-build';
import { startServe, type RunningStudio } from './harness/studio-process';
import { removeTempFolders, tempFolder } from './harness/temp-folders';

const RESULTS_DIR = join(REPO_ROOT, 'test-results', 'screenshots');
const SCREENSHOT_DIR = process.env.UPDATE_SCREENSHOTS ? join(REPO_ROOT, 'docs', 'screenshots') : RESULTS_DIR;

type Message = { role: string; content: string | ({ type: 'image' } | { type: 'text'; text: string })[] };

interface Conversation {
  id: string;
  prompt: Message[];
  chosen: string;
  rejected: string;
  images?: string[];
  /** Texts that must be visible once the earlier turns are unfolded. */
  earlierTexts: string[];
  lastUser: string;
}

const CONVERSATIONS: Conversation[] = [
  {
    id: 'tutor-sum',
    prompt: [
      { role: 'system', content: 'You are a patient maths tutor. Answer in one short sentence.' },
      { role: 'user', content: 'What is 1 + 2?' },
      { role: 'assistant', content: '1 + 2 is **3**.' },
      { role: 'user', content: 'Are you sure? Check it again.' },
      { role: 'assistant', content: 'Yes: counting on from 1 by 2 gives 3.' },
      { role: 'user', content: 'So what does 1 + 2 equal?' },
    ],
    chosen: 'It equals 3.',
    rejected: "I don't know.",
    earlierTexts: ['You are a patient maths tutor. Answer in one short sentence.', 'What is 1 + 2?', 'Are you sure? Check it again.', 'Yes: counting on from 1 by 2 gives 3.'],
    lastUser: 'So what does 1 + 2 equal?',
  },
  {
    id: 'trip-weather',
    prompt: [
      { role: 'system', content: 'You are a travel assistant. You can call get_forecast(city, day).' },
      { role: 'user', content: 'I am going to Paris on Friday.' },
      { role: 'assistant', content: 'Nice! Shall I look up the forecast?' },
      { role: 'user', content: 'Yes, please check it.' },
      { role: 'tool_call', content: '{"name": "get_forecast", "arguments": {"city": "Paris", "day": "Friday"}}' },
      { role: 'tool', content: '{"city": "Paris", "day": "Friday", "high_c": 19, "rain_chance": 0.7}' },
      { role: 'assistant', content: 'Friday in Paris: 19 °C with a 70% chance of rain.' },
      { role: 'user', content: 'Should I pack an umbrella?' },
    ],
    chosen: 'Yes: with a 70% chance of rain, take one.',
    rejected: 'No, it will be sunny all day.',
    earlierTexts: ['I am going to Paris on Friday.', 'Friday in Paris: 19 °C with a 70% chance of rain.', '"rain_chance": 0.7'],
    lastUser: 'Should I pack an umbrella?',
  },
  {
    id: 'shape-colour',
    prompt: [
      { role: 'system', content: 'Describe pictures precisely.' },
      { role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'What shape is this?' }] },
      { role: 'assistant', content: 'A square.' },
      { role: 'user', content: 'What colour is it?' },
      { role: 'assistant', content: 'Red.' },
      { role: 'user', content: 'Is it the same colour as a ripe strawberry?' },
    ],
    chosen: 'Yes, both are red.',
    rejected: 'No, ripe strawberries are blue.',
    images: ['images/red-square.png'],
    earlierTexts: ['What shape is this?', 'What colour is it?', 'Describe pictures precisely.'],
    lastUser: 'Is it the same colour as a ripe strawberry?',
  },
];

/** A TRL conversational row with an implicit prompt: both sides repeat the shared prefix. */
function trlRow(conversation: Conversation): Record<string, unknown> {
  return {
    id: conversation.id,
    chosen: [...conversation.prompt, { role: 'assistant', content: conversation.chosen }],
    rejected: [...conversation.prompt, { role: 'assistant', content: conversation.rejected }],
    ...(conversation.images ? { images: conversation.images } : {}),
    // What a source file carries beside the conversation: tools, a margin, a column no reader uses.
    ...(conversation.id === 'tutor-sum' ? { tools: [CALCULATOR], margin: 0.5, batch: 'week-3' } : {}),
  };
}

const CALCULATOR = {
  type: 'function',
  function: { name: 'calculator', description: 'Adds two numbers', parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } } },
};

interface StoredJudgment {
  itemId: string;
  annotator: string;
  ranking: number[];
  decision: string | null;
  source: string;
}

function readJudgments(projectDir: string): StoredJudgment[] {
  const db = new Database(join(projectDir, 'project.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (
      db
        .prepare(
          `SELECT i.id AS itemId, a.name AS annotator, j.ranking_json, j.decision, j.source
             FROM judgments j JOIN items i ON i.rowid = j.item_rowid JOIN annotators a ON a.id = j.annotator_id ORDER BY i.id`,
        )
        .all() as { itemId: string; annotator: string; ranking_json: string; decision: string | null; source: string }[]
    ).map((row) => ({ itemId: row.itemId, annotator: row.annotator, ranking: JSON.parse(row.ranking_json) as number[], decision: row.decision, source: row.source }));
  } finally {
    db.close();
  }
}

async function currentItemId(page: Page, notId = ''): Promise<string> {
  const view = page.getByTestId('annotate-view');
  await expect
    .poll(async () => {
      const id = await view.getAttribute('data-item-id');
      return id && id !== notId ? id : null;
    }, { timeout: 15_000 })
    .not.toBeNull();
  return (await view.getAttribute('data-item-id')) as string;
}

async function box(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const found = await locator.boundingBox();
  if (!found) throw new Error('element has no box (not visible)');
  return found;
}

/** True when `inner` lies inside `outer` (both boxes on screen). */
function inside(inner: { x: number; y: number; width: number; height: number }, outer: { x: number; y: number; width: number; height: number }): boolean {
  return inner.x >= outer.x - 1 && inner.y >= outer.y - 1 && inner.x + inner.width <= outer.x + outer.width + 1 && inner.y + inner.height <= outer.y + outer.height + 1;
}

describe('conversations in Annotate and Items', () => {
  let studio: RunningStudio;
  let browser: Browser;
  let ui: StudioPage;
  let projectDir: string;
  let textOnlyFile: string;
  /** What each judgment must be stored as, computed from what the screen showed. */
  const expected = new Map<string, { ranking: number[]; decision: string }>();

  beforeAll(async () => {
    const home = tempFolder('home');
    const dataDir = join(tempFolder('data'), 'conversations');
    mkdirSync(join(dataDir, 'images'), { recursive: true });
    await sharp({ create: { width: 96, height: 96, channels: 3, background: { r: 215, g: 30, b: 45 } } })
      .png()
      .toFile(join(dataDir, 'images', 'red-square.png'));
    const file = join(dataDir, 'conversations.jsonl');
    writeFileSync(file, `${CONVERSATIONS.map((conversation) => JSON.stringify(trlRow(conversation))).join('\n')}\n`);
    textOnlyFile = join(dataDir, 'text-only.jsonl');
    const textOnly = CONVERSATIONS.filter((conversation) => !conversation.images);
    writeFileSync(textOnlyFile, `${textOnly.map((conversation) => JSON.stringify(trlRow(conversation))).join('\n')}\n`);
    projectDir = join(tempFolder('project'), 'conversations');

    studio = await startServe({ home });
    await createProjectWithImport(studio.url, { dir: projectDir, name: 'Conversations' }, { file, format: 'trl', split: 'train' }, CONVERSATIONS.length);
    browser = await launchBrowser();
    ui = await openStudioPage(browser, studio.url);
  });

  afterAll(async () => {
    await ui?.context.close();
    await browser?.close();
    await studio?.stop();
    removeTempFolders();
  });

  it('shows each conversation folded to its last user turn, unfolds it with c, and judges it by keyboard', async () => {
    const { page } = ui;
    await openAnnotateAs(page, 'carol');

    const thread = page.getByTestId('conversation-thread');
    const responses = page.getByTestId('annotate-responses');
    const earlierTurns = thread.locator('[data-testid="thread-turn"][data-place="earlier"]');
    const lastTurn = thread.locator('[data-testid="thread-turn"][data-place="last"]');
    let layout: { thread: Awaited<ReturnType<typeof box>>; responses: Awaited<ReturnType<typeof box>> } | null = null;
    let screenshotTaken = false;
    const keys = ['a', 'b', 'Shift+A'] as const;
    let id = await currentItemId(page);

    for (let turn = 0; turn < CONVERSATIONS.length; turn += 1) {
      const conversation = CONVERSATIONS.find((entry) => entry.id === id);
      if (!conversation) throw new Error(`unexpected item ${id} in the queue`);
      const earlierCount = conversation.prompt.length - 1;
      await expect.poll(() => thread.getAttribute('data-earlier-count')).toBe(String(earlierCount));

      // The last user turn is on screen, inside the conversation box, whatever the fold.
      expect((await lastTurn.textContent())?.trim()).toBe(`User${conversation.lastUser}`);
      expect(inside(await box(lastTurn), await box(thread))).toBe(true);

      if (turn === 0) {
        // Folded at first: one line says how many earlier turns there are; none of them is shown.
        expect(await thread.getAttribute('data-expanded')).toBe('false');
        expect(await earlierTurns.count()).toBe(0);
        expect(await page.getByTestId('thread-toggle').textContent()).toContain(`Show ${earlierCount} earlier turns`);
        for (const text of conversation.earlierTexts) expect(await thread.getByText(text, { exact: false }).count()).toBe(0);
        // The queue starts with a conversation, so the box above the responses is sized for one.
        expect(await page.locator('.annotate-body').getAttribute('data-prompt')).toBe('conversation');
        layout = { thread: await box(thread), responses: await box(responses) };
        // The conversation sits above the responses.
        expect(layout.thread.y + layout.thread.height).toBeLessThanOrEqual(layout.responses.y);
        await page.keyboard.press('c');
        await expect.poll(() => thread.getAttribute('data-expanded')).toBe('true');
      }
      // Unfolded (and it stays unfolded for the next items): every earlier turn, labelled by role.
      expect(await thread.getAttribute('data-expanded')).toBe('true');
      // (drawn one frame after the item itself: see conversation-thread.tsx)
      await expect
        .poll(() => earlierTurns.evaluateAll((turns) => turns.map((element) => element.getAttribute('data-role'))))
        .toEqual(conversation.prompt.slice(0, -1).map((message) => message.role));
      for (const text of conversation.earlierTexts) expect(await thread.getByText(text, { exact: false }).first().isVisible()).toBe(true);
      expect(await earlierTurns.first().locator('.thread-role').textContent()).toBe('System');
      expect(inside(await box(lastTurn), await box(thread))).toBe(true);
      // Nothing moved: the conversation box and the responses keep their place, item after item.
      expect({ thread: await box(thread), responses: await box(responses) }).toEqual(layout);

      if (conversation.id === 'trip-weather') {
        expect(await thread.getByTestId('thread-tool-call').locator('.tool-name').textContent()).toBe('get_forecast');
        expect(await thread.getByTestId('thread-tool-call').locator('pre').textContent()).toBe('{\n  "city": "Paris",\n  "day": "Friday"\n}');
        expect(await thread.getByTestId('thread-tool-result').textContent()).toContain('"high_c": 19');
      }
      if (conversation.id === 'shape-colour') {
        const image = thread.getByTestId('thread-image');
        await expect.poll(() => image.evaluate((element) => (element as HTMLImageElement).naturalWidth)).toBe(96);
        // The image stands in the first user turn, where the conversation put it.
        expect(await earlierTurns.nth(1).getByTestId('thread-image').count()).toBe(1);
      }
      if (conversation.id === 'shape-colour' && !screenshotTaken) {
        // For people checking the image layout by eye; the README's shot is the text-only one below.
        mkdirSync(RESULTS_DIR, { recursive: true });
        await page.waitForLoadState('networkidle');
        await page.screenshot({ path: join(RESULTS_DIR, 'annotate-conversation-image.png') });
        screenshotTaken = true;
      }

      // Judge by keyboard; what the key means depends on the (shuffled) order on screen.
      const shown = (await responses.locator('.response-card-body').allTextContents()).map((text) => text.trim());
      const original = [conversation.chosen, conversation.rejected];
      const order = shown.map((text) => original.indexOf(text));
      expect(order.slice().sort()).toEqual([0, 1]);
      const key = keys[turn % keys.length] as (typeof keys)[number];
      const better = key === 'b' ? (order[1] as number) : (order[0] as number);
      expected.set(conversation.id, { ranking: better === 0 ? [0, 1] : [1, 0], decision: 'ranked' });
      await page.keyboard.press(key);
      if (turn < CONVERSATIONS.length - 1) id = await currentItemId(page, id);
    }
    expect(screenshotTaken).toBe(true);
    await expect.poll(() => page.getByTestId('queue-decided').textContent()).toBe(String(CONVERSATIONS.length));
    await expect.poll(() => page.getByTestId('queue-saving').count(), { timeout: 15_000 }).toBe(0);

    // The import stored the file's own preference (chosen > rejected) under its annotator; carol's are hers.
    const stored = readJudgments(projectDir).filter((judgment) => judgment.annotator === 'carol');
    expect(stored.map((judgment) => judgment.itemId)).toEqual([...expected.keys()].sort());
    for (const judgment of stored) {
      expect({ id: judgment.itemId, annotator: judgment.annotator, ranking: judgment.ranking, decision: judgment.decision, source: judgment.source }).toEqual({
        id: judgment.itemId,
        annotator: 'carol',
        ...expected.get(judgment.itemId),
        source: 'ui',
      });
    }
    expect(ui.problems).toEqual([]);
  });

  it('c folds the earlier turns again; t is still a tie, not the fold', async () => {
    const { page } = ui;
    // Back to the last item judged (k), to try the keys once more.
    await page.keyboard.press('k');
    const view = page.getByTestId('annotate-view');
    const thread = page.getByTestId('conversation-thread');
    await expect.poll(() => view.getAttribute('data-status')).toBe('ready');
    const id = await currentItemId(page);
    expect(await thread.getAttribute('data-expanded')).toBe('true');
    await page.keyboard.press('c');
    await expect.poll(() => thread.getAttribute('data-expanded')).toBe('false');
    expect(await thread.locator('[data-testid="thread-turn"][data-place="earlier"]').count()).toBe(0);
    expect(await thread.locator('[data-testid="thread-turn"][data-place="last"]').isVisible()).toBe(true);

    await page.keyboard.press('?');
    await page.getByTestId('shortcut-overlay').waitFor();
    expect(await page.getByTestId('shortcut-row').filter({ hasText: 'earlier turns' }).locator('kbd').allTextContents()).toEqual(['c']);
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcut-overlay').waitFor({ state: 'detached' });

    // t keeps its meaning (tie) on a conversation item.
    await page.keyboard.press('t');
    await expect
      .poll(() => readJudgments(projectDir).find((judgment) => judgment.itemId === id && judgment.annotator === 'carol')?.decision, { timeout: 15_000 })
      .toBe('tie');
    expect(ui.problems).toEqual([]);
  });

  it("Items' detail shows the same thread, folded until asked", async () => {
    const { page } = ui;
    await page.getByTestId('nav-items').click();
    await page.locator('[data-testid="item-row"][data-item-id="tutor-sum"]').click();
    const detail = page.getByTestId('item-detail');
    await expect.poll(() => detail.getAttribute('data-item-id')).toBe('tutor-sum');
    const thread = detail.getByTestId('conversation-thread');
    expect(await thread.getAttribute('data-expanded')).toBe('false');
    expect(await thread.locator('[data-testid="thread-turn"][data-place="last"]').textContent()).toBe('UserSo what does 1 + 2 equal?');
    await thread.getByTestId('thread-toggle').click();
    await expect.poll(() => thread.locator('[data-testid="thread-turn"][data-place="earlier"]').count()).toBe(5);
    expect(await thread.getByText('You are a patient maths tutor.', { exact: false }).isVisible()).toBe(true);
    // Tools, margin and the leftover column are shown, not silently kept.
    expect(await detail.getByTestId('detail-tools').textContent()).toBe('calculator');
    expect(await detail.getByTestId('detail-margin').textContent()).toBe('0.5');
    expect(await detail.getByTestId('detail-metadata').allTextContents()).toEqual(['batchweek-3']);
    mkdirSync(RESULTS_DIR, { recursive: true });
    await page.screenshot({ path: join(RESULTS_DIR, 'items-conversation.png') });
    expect(ui.problems).toEqual([]);
  });
  it('a project without images has no image column: item line, conversation, responses, full width', async () => {
    const { page } = ui;
    await createProjectWithImport(studio.url, { dir: join(tempFolder('project'), 'text-only'), name: 'Text-only conversations' }, { file: textOnlyFile, format: 'trl', split: 'train' }, 2);
    await expect.poll(() => page.getByTestId('project-name').textContent()).toBe('Text-only conversations');
    await page.getByTestId('nav-annotate').click();
    await currentItemId(page);
    const body = page.locator('.annotate-body');
    await expect.poll(() => body.getAttribute('data-layout')).toBe('text-only');
    expect(await page.getByTestId('annotate-no-image').count()).toBe(0);
    const thread = page.getByTestId('conversation-thread');
    const responses = page.getByTestId('annotate-responses');
    const first = { thread: await box(thread), responses: await box(responses) };
    expect(first.thread.y + first.thread.height).toBeLessThanOrEqual(first.responses.y);
    expect(first.thread.width).toBe(first.responses.width);
    expect(await thread.locator('[data-testid="thread-turn"][data-place="last"]').isVisible()).toBe(true);
    // The README's shot: the whole conversation unfolded above "It equals 3." and "I don't know.".
    if ((await thread.getAttribute('data-expanded')) === 'false') await page.keyboard.press('c');
    await expect.poll(() => thread.getAttribute('data-expanded')).toBe('true');
    await expect.poll(() => thread.locator('[data-testid="thread-turn"][data-place="earlier"]').count()).toBe(5);
    expect({ thread: await box(thread), responses: await box(responses) }).toEqual(first);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'annotate-conversation.png') });

    // Next item: same boxes.
    const id = await currentItemId(page);
    await page.keyboard.press('s');
    await currentItemId(page, id);
    expect({ thread: await box(thread), responses: await box(responses) }).toEqual(first);
    expect(ui.problems).toEqual([]);
  });
});
