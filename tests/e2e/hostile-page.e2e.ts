/**
 * A web page on another origin attacks a running `reward-studio serve` from Chromium (issue #13):
 * it requests `//` through an <img> and a WebSocket (both used to end the server process), and
 * plants token cookies that do not decode (cookies ignore ports, so any page on 127.0.0.1 can).
 * The server keeps answering, and the studio UI opened afterwards in the same browser (the bad
 * cookies still in its jar) loads, talks over its WebSocket and shows the project's images.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, VIEWPORT } from './harness/browser';
import { runCli, startServe, type RunningStudio } from './harness/studio-process';
import { removeTempFolders, tempFolder } from './harness/temp-folders';

/** The hostile page: what any site the person visits could serve. */
function hostilePage(studioPort: number): string {
  const target = `127.0.0.1:${studioPort}`;
  const bad = `rs_token_${studioPort}=%E0%A4%A`;
  return `<!doctype html><title>elsewhere</title>
<script>
  // Path=/assets is longer than the studio's own cookie path, so it is sent first and the
  // studio's Set-Cookie (Path=/) never replaces it.
  document.cookie = '${bad}; path=/';
  document.cookie = '${bad}; path=/assets';
  let pending = 2;
  const finished = () => { if (--pending === 0) document.title = 'done'; };
  const socket = new WebSocket('ws://${target}//');
  socket.onerror = socket.onclose = finished;
</script>
<img src="http://${target}//" onload="finished()" onerror="finished()">`;
}

async function statusOf(url: string): Promise<number> {
  return (await fetch(url)).status;
}

describe('a hostile page on another origin', () => {
  let studio: RunningStudio;
  let browser: Browser;
  let hostile: Server;
  let hostileUrl: string;

  beforeAll(async () => {
    const home = tempFolder('home');
    const projectDir = join(tempFolder('sample'), 'sample-project');
    await runCli(home, ['sample-project', projectDir]);
    studio = await startServe({ home, project: projectDir });
    const studioPort = Number(new URL(studio.url).port);
    hostile = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end(hostilePage(studioPort));
    });
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
    hostileUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}/`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (hostile ? hostile.close(() => resolve()) : resolve()));
    await studio?.stop();
    removeTempFolders();
  });

  it('cannot stop serve with `//` or a bad cookie; the studio UI still loads afterwards', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    await page.goto(hostileUrl);
    await expect.poll(() => page.title(), { timeout: 15_000 }).toBe('done');
    // The attack really happened: the undecodable cookies are in the browser's jar for 127.0.0.1.
    const planted = (await context.cookies()).filter((cookie) => cookie.domain === '127.0.0.1' && cookie.value === '%E0%A4%A');
    expect(planted.map((cookie) => cookie.path).sort()).toEqual(['/', '/assets']);

    expect(await statusOf(studio.url), studio.output()).toBe(200);

    // The person now opens the studio in the same browser, with the bad cookies still there.
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? '?'})`));
    await page.goto(studio.url);
    await page.getByTestId('app').waitFor();
    await page.getByTestId('home').waitFor();
    // The contract answered over the WebSocket: the project's name and counts are shown.
    await expect.poll(() => page.getByTestId('project-name').textContent(), { timeout: 15_000 }).toMatch(/\S/);
    expect(Number((await page.getByTestId('stat-items-value').textContent())?.replace(/\D/g, ''))).toBeGreaterThan(0);
    expect(problems, studio.output()).toEqual([]);
    expect(await statusOf(studio.url), studio.output()).toBe(200);
    await context.close();
  });
});
