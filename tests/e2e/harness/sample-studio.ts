/**
 * The setup most e2e files share: a fresh settings folder, the sample project made by the real
 * CLI, a real `reward-studio serve` on it, and one Chromium page on the printed URL.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, openStudioPage, type StudioPage } from './browser';
import { runCli, startServe, type RunningStudio } from './studio-process';
import { removeTempFolders, tempFolder } from './temp-folders';

export interface SampleStudio {
  home: string;
  projectDir: string;
  studio: RunningStudio;
  browser: Browser;
  ui: StudioPage;
  close(): Promise<void>;
}

export async function openSampleStudio(): Promise<SampleStudio> {
  const home = tempFolder('home');
  const projectDir = join(tempFolder('sample'), 'sample-project');
  await runCli(home, ['sample-project', projectDir]);
  const studio = await startServe({ home, project: projectDir });
  const browser = await launchBrowser();
  const ui = await openStudioPage(browser, studio.url);
  return {
    home,
    projectDir,
    studio,
    browser,
    ui,
    async close() {
      await ui.context.close();
      await browser.close();
      await studio.stop();
      removeTempFolders();
    },
  };
}
