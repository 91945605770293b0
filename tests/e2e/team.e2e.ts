/**
 * A team on one real `reward-studio serve`, five browser contexts: the owner invites three
 * annotators and a reviewer in the Team view and sets overlap 2 on 30 items; the annotators sign in
 * through their links and judge by keyboard in parallel until nothing more is handed to them.
 * Afterwards, counted in project.sqlite: every item has exactly two judgments by two different
 * people, and no annotator was shown an item outside their queue. An annotator's raw WebSocket
 * call to reviewer and owner commands is refused on the wire; a revoked link stops working at once
 * (its page says so, a reload is refused); the reviewer settles a conflict in Agreement and the
 * owner's export uses that ranking.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjectWithImport } from './harness/annotate-steps';
import { launchBrowser, openStudioPage, type StudioPage } from './harness/browser';
import { openContractSocket, type ContractSocket } from './harness/contract-socket';
import { queryProject } from './harness/project-db';
import { REPO_ROOT } from './harness/renderer-build';
import { startServe, type RunningStudio } from './harness/studio-process';
import { removeTempFolders, tempFolder } from './harness/temp-folders';
import { writeSeedFolder } from '../fixtures/seed-files';

const ITEMS = 30;
const ANNOTATORS = ['ana', 'ben', 'cai'] as const;
const SHOTS = join(REPO_ROOT, 'test-results', 'screenshots', 'team-e2e');

/** The owner's Team view with real progress: the README's picture (UPDATE_SCREENSHOTS=1). */
async function screenshotTeam(page: Page): Promise<void> {
  const dismiss = page.getByTestId('toast-dismiss');
  while ((await dismiss.count()) > 0) await dismiss.first().click();
  await page.locator('main.view').evaluate((view) => view.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, 'team-owner.png') });
  if (process.env.UPDATE_SCREENSHOTS) await page.screenshot({ path: join(REPO_ROOT, 'docs', 'screenshots', 'team.png') });
}

async function invite(page: Page, name: string, role: 'annotator' | 'reviewer'): Promise<string> {
  await page.getByTestId('team-invite-name').fill(name);
  await page.getByTestId('team-invite-role').selectOption(role);
  await page.getByTestId('team-invite-submit').click();
  await expect.poll(() => page.getByTestId('team-invite-link').textContent()).toContain(name);
  const link = await page.getByTestId('team-invite-link-text').inputValue();
  await page.getByTestId('team-invite-done').click();
  return link;
}

/** Signs in through the link and accepts the guidelines; the page is an annotator's or reviewer's. */
async function signIn(browser: Browser, link: string, role: 'annotator' | 'reviewer'): Promise<StudioPage> {
  const member = await openStudioPage(browser, link);
  await expect.poll(() => member.page.getByTestId('app').getAttribute('data-role'), { timeout: 15_000 }).toBe(role);
  await member.page.getByTestId('guidelines-modal').waitFor();
  await member.page.getByTestId('guidelines-accept').click();
  await member.page.getByTestId('guidelines-modal').waitFor({ state: 'detached' });
  return member;
}

/** Judges by keyboard until the queue says nothing more is assigned; returns every item id shown. */
async function judgeQueue(page: Page, key: string): Promise<string[]> {
  const view = page.getByTestId('annotate-view');
  const shown: string[] = [];
  for (let guard = 0; guard < ITEMS * 4; guard += 1) {
    const status = await view.getAttribute('data-status');
    if (status === 'done') return shown;
    const id = await view.getAttribute('data-item-id');
    if (status === 'ready' && id) {
      shown.push(id);
      await page.keyboard.press(key);
      await expect
        .poll(async () => (await view.getAttribute('data-item-id')) !== id || (await view.getAttribute('data-status')) === 'done', { timeout: 20_000 })
        .toBe(true);
    } else {
      await page.waitForTimeout(100);
    }
  }
  throw new Error(`the queue never ended; shown: ${shown.join(', ')}`);
}

/** A contract call from inside the page, over a WebSocket of its own (the member's cookie signs it in). */
async function rawCall(page: Page, name: string, input: unknown): Promise<{ ok: boolean; code: string | null }> {
  return page.evaluate(
    ([command, args]) =>
      new Promise<{ ok: boolean; code: string | null }>((resolve, reject) => {
        const socket = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws`);
        socket.onerror = () => reject(new Error('WebSocket failed'));
        socket.onopen = () => socket.send(JSON.stringify({ type: 'invoke', id: 1, name: command, input: args }));
        socket.onmessage = (event) => {
          const message = JSON.parse(String(event.data)) as { type: string; envelope?: { ok: boolean; error?: { code: string } } };
          if (message.type !== 'result' || !message.envelope) return;
          socket.close();
          resolve({ ok: message.envelope.ok, code: message.envelope.error?.code ?? null });
        };
      }),
    [name, input] as const,
  );
}

describe('an annotation team on one served project', () => {
  let studio: RunningStudio;
  let browser: Browser;
  let owner: StudioPage;
  let contract: ContractSocket;
  let projectDir: string;
  const links = new Map<string, string>();
  const members = new Map<string, StudioPage>();
  const shown = new Map<string, string[]>();

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const home = tempFolder('home');
    const rows = Array.from({ length: ITEMS }, (_, i) => ({
      id: `team-${String(i + 1).padStart(2, '0')}`,
      query: `Which answer describes picture ${i + 1}?`,
      image: i % 2 === 0 ? 'images/red.png' : 'images/blue.png',
      response: [`A ${i % 2 === 0 ? 'red' : 'blue'} square.`, `A ${i % 2 === 0 ? 'green' : 'yellow'} circle.`],
    }));
    const file = await writeSeedFolder(tempFolder('data'), rows);
    projectDir = join(tempFolder('project'), 'team');
    studio = await startServe({ home });
    await createProjectWithImport(studio.url, { dir: projectDir, name: 'Team e2e' }, { file, split: 'train' }, ITEMS);
    contract = await openContractSocket(studio.url);
    browser = await launchBrowser();
    owner = await openStudioPage(browser, studio.url);
  }, 120_000);

  afterAll(async () => {
    contract?.close();
    for (const member of members.values()) await member.context.close();
    await owner?.context.close();
    await browser?.close();
    await studio?.stop();
    removeTempFolders();
  });

  it('the owner invites three annotators and a reviewer, sets overlap 2 and writes the guidelines', async () => {
    const { page } = owner;
    await page.getByTestId('nav-team').click();
    await page.getByTestId('team-people').waitFor();
    await page.getByTestId('team-plan-overlap').fill('2');
    await page.getByTestId('team-plan-batch').fill('3');
    await page.getByTestId('team-plan-save').click();
    await expect.poll(() => page.getByTestId('team-plan-save').isDisabled()).toBe(true);
    await page.getByTestId('team-guidelines-input').fill('# Judging\n\nPrefer the answer that matches the picture.');
    await page.getByTestId('team-guidelines-save').click();
    await expect.poll(() => page.getByTestId('team-guidelines-version').textContent()).toMatch(/^v1 · /);
    for (const name of ANNOTATORS) links.set(name, await invite(page, name, 'annotator'));
    links.set('rev', await invite(page, 'rev', 'reviewer'));
    expect(await contract.invoke('team.plan', {})).toMatchObject({ overlap: 2, batch: 3 });
  });

  it('three annotators judge by keyboard in parallel: each item ends with two judgments by two people, each seen only from its queue', async () => {
    for (const name of ANNOTATORS) members.set(name, await signIn(browser, links.get(name) as string, 'annotator'));
    const results = await Promise.all(ANNOTATORS.map((name) => judgeQueue((members.get(name) as StudioPage).page, 'a')));
    ANNOTATORS.forEach((name, index) => shown.set(name, results[index] as string[]));
    for (const name of ANNOTATORS) {
      // Their own figures in the toolbar catch up with what they judged.
      const judged = new Set(shown.get(name)).size;
      const { page } = members.get(name) as StudioPage;
      await expect.poll(() => page.getByTestId('my-progress-counts').textContent(), { timeout: 10_000 }).toBe(`Today ${judged} · total ${judged}`);
      await page.screenshot({ path: join(SHOTS, `done-${name}.png`) });
    }
    // The owner's Team view, live: everyone's figures and the project complete.
    await owner.page.getByTestId('team-progress').waitFor();
    await expect.poll(() => owner.page.getByTestId('team-progress-complete').textContent(), { timeout: 10_000 }).toContain(`${ITEMS} / ${ITEMS}`);
    await screenshotTeam(owner.page);

    const votes = queryProject<{ id: string; n: number; people: number }>(
      projectDir,
      `SELECT i.id AS id, COUNT(j.id) AS n, COUNT(DISTINCT j.annotator_id) AS people FROM items i
       LEFT JOIN judgments j ON j.item_rowid = i.rowid AND j.source <> 'adjudication' GROUP BY i.rowid`,
    );
    expect(votes).toHaveLength(ITEMS);
    for (const row of votes) expect({ id: row.id, n: row.n, people: row.people }).toEqual({ id: row.id, n: 2, people: 2 });
    const byPerson = queryProject<{ name: string; n: number }>(
      projectDir,
      `SELECT a.name AS name, COUNT(*) AS n FROM judgments j JOIN annotators a ON a.id = j.annotator_id GROUP BY a.name`,
    );
    expect(byPerson.map((row) => row.name).sort()).toEqual([...ANNOTATORS].sort());
    expect(byPerson.reduce((sum, row) => sum + row.n, 0)).toBe(ITEMS * 2);

    for (const name of ANNOTATORS) {
      const queue = new Set(
        queryProject<{ id: string }>(
          projectDir,
          `SELECT i.id AS id FROM team_assignments t JOIN team_members m ON m.id = t.member_id JOIN items i ON i.rowid = t.item_rowid WHERE m.name = ?`,
          name,
        ).map((row) => row.id),
      );
      const seen = shown.get(name) as string[];
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.filter((id) => !queue.has(id)), name).toEqual([]);
      const judged = queryProject<{ id: string }>(
        projectDir,
        `SELECT i.id AS id FROM judgments j JOIN annotators a ON a.id = j.annotator_id JOIN items i ON i.rowid = j.item_rowid WHERE a.name = ?`,
        name,
      ).map((row) => row.id);
      expect(new Set(seen)).toEqual(new Set(judged));
    }
  }, 300_000);

  it("refuses an annotator's WebSocket calls to reviewer and owner commands, on the wire", async () => {
    const { page } = members.get('ana') as StudioPage;
    for (const [name, input] of [
      ['judgments.conflicts', {}],
      ['judgments.adjudicate', { itemId: 'team-01', ranking: [0, 1], annotator: 'ana' }],
      ['team.invite', { name: 'mallory', role: 'reviewer' }],
      ['runs.list', {}],
      ['dataset.export', { format: 'seed', split: 'all', out: 'x.jsonl', images: 'absolute' }],
      ['items.delete', { ids: ['team-01'] }],
    ] as const) {
      expect(await rawCall(page, name, input), name).toEqual({ ok: false, code: 'forbidden' });
    }
    // Their own calls still work on the same kind of socket.
    expect((await rawCall(page, 'team.me', {})).ok).toBe(true);
  });

  it('stops a revoked link at once: the open page says so and the link no longer opens', async () => {
    const { page } = owner;
    const row = page.locator('[data-testid="team-member-row"][data-member-name="cai"]');
    await row.getByTestId('team-member-revoke').click();
    await page.getByTestId('team-revoke-confirm').click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('revoked');
    const cai = (members.get('cai') as StudioPage).page;
    await cai.getByTestId('link-revoked').waitFor({ timeout: 10_000 });
    await cai.screenshot({ path: join(SHOTS, 'revoked.png') });
    const reload = await fetch(links.get('cai') as string);
    expect(reload.status).toBe(403);
  });

  it('the reviewer settles a conflict in Agreement, and the export uses it', async () => {
    const reviewer = await signIn(browser, links.get('rev') as string, 'reviewer');
    members.set('rev', reviewer);
    const { page } = reviewer;
    await page.getByTestId('nav-agreement').click();
    const card = page.getByTestId('conflict-item').first();
    await card.waitFor({ timeout: 15_000 });
    const itemId = (await card.getAttribute('data-item-id')) as string;
    const option = card.getByTestId('adjudicate-option').last();
    const ranking = JSON.parse((await option.getAttribute('data-ranking')) as string) as number[];
    await option.click();
    await expect
      .poll(() => queryProject<{ name: string }>(projectDir, `SELECT a.name AS name FROM judgments j JOIN annotators a ON a.id = j.annotator_id JOIN items i ON i.rowid = j.item_rowid WHERE j.source = 'adjudication' AND i.id = ?`, itemId).map((r) => r.name))
      .toEqual(['rev']);
    await page.screenshot({ path: join(SHOTS, 'reviewer-agreement.png') });

    const out = join(projectDir, 'export', 'team.jsonl');
    await contract.invoke('dataset.export', { format: 'seed', split: 'all', out, images: 'absolute' });
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { id: string; human_ranking: number[] });
    expect(lines.find((line) => line.id === itemId)?.human_ranking).toEqual(ranking);

    const each = join(projectDir, 'export', 'team-each.jsonl');
    await contract.invoke('dataset.export', { format: 'seed', split: 'all', out: each, images: 'absolute', judgments: 'each' });
    const rows = readFileSync(each, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { id: string; annotator: string; guideline_version: number | null });
    expect(rows).toHaveLength(ITEMS * 2 + 1);
    expect(rows.filter((row) => row.id === itemId).map((row) => row.annotator)).toContain('rev');
    expect(rows.every((row) => row.guideline_version === 1)).toBe(true);
  }, 120_000);
});
