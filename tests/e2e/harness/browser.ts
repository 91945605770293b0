/**
 * Debian's Chromium driven by playwright-core (`npx playwright install` cannot download here).
 * Every console error and failed request is collected, so a test can assert the page was clean.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.REWARD_STUDIO_CHROMIUM ?? '/usr/bin/chromium';
export const VIEWPORT = { width: 1440, height: 900 };

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}. Install Debian's: "apt-get install -y chromium" (npx playwright install cannot download here), or set REWARD_STUDIO_CHROMIUM to another Chromium binary.`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export interface StudioPage {
  context: BrowserContext;
  page: Page;
  /** Console errors, page errors and failed requests, in order. */
  problems: string[];
}

export async function openStudioPage(browser: Browser, url: string, colorScheme: 'light' | 'dark' = 'dark'): Promise<StudioPage> {
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? '?'})`));
  await page.goto(url);
  await page.getByTestId('app').waitFor();
  return { context, page, problems };
}
