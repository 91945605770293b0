/**
 * Steps several browser tests share: a project created and filled through the contract (set-up the
 * test is not about), and what a person does first in Annotate (type their name) and after each
 * key (wait for the next item).
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { CommandInput } from '../../../app/contract';
import { openContractSocket } from './contract-socket';

/** Creates a project at `dir` and imports `file` into it; every row must land. */
export async function createProjectWithImport(studioUrl: string, project: { dir: string; name: string }, data: CommandInput<'dataset.import'>, rows: number): Promise<void> {
  const socket = await openContractSocket(studioUrl);
  try {
    await socket.invoke('projects.create', project);
    const report = await socket.invoke('dataset.import', data);
    expect({ added: report.added, errors: report.errorCount }).toEqual({ added: rows, errors: 0 });
  } finally {
    socket.close();
  }
}

/** Opens Annotate and answers the first-visit name dialog. */
export async function openAnnotateAs(page: Page, annotator: string): Promise<void> {
  await page.getByTestId('nav-annotate').click();
  await page.getByTestId('settings-dialog').waitFor();
  await page.keyboard.type(annotator);
  await page.keyboard.press('Enter');
  await page.getByTestId('settings-dialog').waitFor({ state: 'detached' });
}

/** Waits until Annotate shows an item other than `notId`, and returns its id. */
export async function waitForNextItem(page: Page, notId: string): Promise<string> {
  const view = page.getByTestId('annotate-view');
  await expect.poll(async () => {
    const id = await view.getAttribute('data-item-id');
    return id && id !== notId ? id : null;
  }, { timeout: 15_000 }).not.toBeNull();
  return (await view.getAttribute('data-item-id')) as string;
}
