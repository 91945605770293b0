/**
 * Annotate latency benchmark: key press → the next item's responses and image painted, in the
 * real renderer (Debian's Chromium, playwright-core) against a real `reward-studio serve`, on a
 * generated project of N items (default 100,000) sharing a few hundred images.
 *
 *   npx tsx bench/annotate-latency.ts [--items 100000] [--presses 200] [--images 300] [--pace-ms 120] [--model-scores]
 *                                     [--shape single|conversation] [--expand] [--keep]
 *
 * --shape conversation: every item is a conversation (a system prompt, three user turns with the
 * image in the second, two assistant turns) before its responses; --expand unfolds the earlier
 * turns first (`c`), so each next item draws its whole thread.
 *
 * Method. The page opts into the renderer's latency probe (`window.__REWARD_STUDIO_LATENCY__`,
 * set by an init script; off in normal use). For each decision key, the renderer records the
 * key event's `timeStamp`; when the next item is committed to the DOM it waits until that item's
 * <img> is decoded (`complete`, else `decode()`), then for the next animation frame, and takes
 * the time in a message posted from that frame's requestAnimationFrame callback — i.e. after the
 * frame showing the new responses and image was painted. latency = paintedAt − keyAt, so it
 * includes input dispatch, the React commit, and waiting for the next frame (vsync, up to ~16.7 ms).
 * It also reports key → DOM commit (the part the app's own work decides) separately.
 * The benchmark presses like a fast annotator: it waits for the item, then `--pace-ms` (reading
 * time; the prefetch runs meanwhile), then presses. Pairs get `a`/`b`; three-response items get
 * `1 2 3` and the timed key is Enter. The judgments are real saves into the project.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { importDataset } from '../app/dataset/import-dataset';
import { ProjectStore } from '../app/store/project-store';
import { launchBrowser } from '../tests/e2e/harness/browser';
import { ensureRendererBuilt } from '../tests/e2e/harness/renderer-build';
import { startServe } from '../tests/e2e/harness/studio-process';
// The renderer's probe defines the sample and the window field it is collected in.
import type { LatencySample } from '../renderer/views/annotate/latency-probe';


const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '100000' },
    presses: { type: 'string', default: '200' },
    images: { type: 'string', default: '300' },
    'pace-ms': { type: 'string', default: '120' },
    keep: { type: 'boolean', default: false },
    /** Model in the loop on (the Annotate "Model scores" switch): each item also asks evaluations.itemScores after its paint. */
    'model-scores': { type: 'boolean', default: false },
    shape: { type: 'string', default: 'single' },
    expand: { type: 'boolean', default: false },
  },
});
const itemCount = Number(values.items);
const presses = Number(values.presses);
const imageCount = Number(values.images);
const paceMs = Number(values['pace-ms']);

const PARAGRAPH =
  'The image shows a **coloured shape** on a grey background. Looking at the edges and the fill, the answer is the colour named ' +
  'here; the other candidate mentions a different colour, which does not match what is visible.';

/** Photos are bigger than thumbnails: 640×480 noise-free gradients keep decode work realistic. */
async function writeImages(dir: string): Promise<string[]> {
  await mkdir(join(dir, 'images'), { recursive: true });
  const names: string[] = [];
  for (let i = 0; i < imageCount; i += 1) {
    const name = `images/img-${i}.jpg`;
    const svg =
      `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">` +
      `<stop offset="0" stop-color="hsl(${(i * 47) % 360},60%,55%)"/><stop offset="1" stop-color="hsl(${(i * 91) % 360},50%,30%)"/></linearGradient></defs>` +
      `<rect width="640" height="480" fill="url(#g)"/><circle cx="${120 + (i % 400)}" cy="${100 + ((i * 7) % 280)}" r="70" fill="hsl(${(i * 13) % 360},80%,50%)"/></svg>`;
    await sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toFile(join(dir, name));
    names.push(name);
  }
  return names;
}

async function writeRows(file: string, images: string[]): Promise<void> {
  const stream = createWriteStream(file);
  for (let i = 0; i < itemCount; i += 1) {
    const n = i % 4 === 3 ? 3 : 2;
    const row = {
      id: `lat-${String(i).padStart(6, '0')}`,
      query: `Question ${i}: what colour is the shape in the picture, and how sure can one be?`,
      image: images[i % images.length],
      response: Array.from({ length: n }, (_, k) => `Answer ${k} for item ${i}. ${PARAGRAPH}\n\n- detail one\n- detail two\n\n\`colour = ${k}\``),
      human_ranking: null,
      ...(values.shape === 'conversation' ? { messages: conversation(i) } : {}),
    };
    if (!stream.write(`${JSON.stringify(row)}\n`)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'finish');
}

/** The seed format's optional conversation: the image stands in the second user turn. */
function conversation(i: number): object[] {
  return [
    { role: 'system', content: 'You describe pictures precisely and briefly.' },
    { role: 'user', content: `Item ${i}: I will show you a picture in a moment. Ready?` },
    { role: 'assistant', content: 'Ready. Show me the picture.' },
    { role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Here it is. What shape do you see?' }] },
    { role: 'assistant', content: `A shape on a grey background; ${PARAGRAPH}` },
    { role: 'user', content: `Question ${i}: what colour is the shape in the picture, and how sure can one be?` },
  ];
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

const round = (value: number): number => Math.round(value * 10) / 10;

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'rs-annotate-bench-'));
  try {
    ensureRendererBuilt();
    const data = join(work, 'data');
    const file = join(data, 'bench.jsonl');
    const generateStarted = performance.now();
    await writeRows(file, await writeImages(data));
    const projectDir = join(work, 'project');
    const store = ProjectStore.create(projectDir, { name: `Annotate latency (${itemCount} items)` });
    const report = await importDataset(store, file);
    store.close();
    if (report.errorCount > 0) throw new Error(`the generated data did not import cleanly: ${report.errors[0]?.message ?? ''}`);
    const prepareSeconds = (performance.now() - generateStarted) / 1000;

    const home = join(work, 'home');
    await mkdir(home, { recursive: true });
    const studio = await startServe({ home, project: projectDir });
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark', deviceScaleFactor: 1 });
      await context.addInitScript((modelScores) => {
        window.__REWARD_STUDIO_LATENCY__ = [];
        if (modelScores) localStorage.setItem('reward-studio.annotate.show-model-scores', 'true');
      }, values['model-scores']);
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      await page.goto(`${studio.url}#/annotate`);
      await page.getByTestId('settings-dialog').waitFor();
      await page.keyboard.type('bench');
      await page.keyboard.press('Enter');
      const view = page.getByTestId('annotate-view');
      if (values.expand) {
        await page.getByTestId('conversation-thread').waitFor();
        await page.keyboard.press('c');
      }

      let previous = '';
      for (let press = 0; press < presses; press += 1) {
        await page.waitForFunction(
          (before) => {
            const id = document.querySelector('[data-testid="annotate-view"]')?.getAttribute('data-item-id');
            return Boolean(id) && id !== before;
          },
          previous,
          { timeout: 30_000 },
        );
        previous = (await view.getAttribute('data-item-id')) ?? '';
        const count = await page.getByTestId('annotate-response').count();
        if (paceMs > 0) await page.waitForTimeout(paceMs);
        if (count === 2) {
          await page.keyboard.press(press % 2 === 0 ? 'a' : 'b');
        } else {
          for (let rank = 1; rank <= count; rank += 1) await page.keyboard.press(String(rank));
          await page.keyboard.press('Enter');
        }
      }
      await page.waitForFunction((expected) => (window.__REWARD_STUDIO_LATENCY__?.length ?? 0) >= expected, presses, { timeout: 30_000 });
      const samples = await page.evaluate(() => window.__REWARD_STUDIO_LATENCY__ ?? []);
      const latencies = samples.map((sample) => sample.paintedAt - sample.keyAt).sort((a, b) => a - b);
      const toCommit = samples.map((sample) => sample.committedAt - sample.keyAt).sort((a, b) => a - b);
      const result = {
        items: itemCount,
        shape: values.shape,
        expanded: values.expand,
        modelScores: values['model-scores'],
        imported: report.added,
        presses: samples.length,
        paceMs,
        p50Ms: round(percentile(latencies, 50)),
        p95Ms: round(percentile(latencies, 95)),
        p99Ms: round(percentile(latencies, 99)),
        maxMs: round(latencies[latencies.length - 1] ?? NaN),
        commitP50Ms: round(percentile(toCommit, 50)),
        commitP95Ms: round(percentile(toCommit, 95)),
        meanMs: round(latencies.reduce((sum, value) => sum + value, 0) / Math.max(1, latencies.length)),
        prefetchedShare: round((samples.filter((sample) => sample.prefetched).length / Math.max(1, samples.length)) * 100) / 100,
        targetP95Ms: 50,
        prepareSeconds: round(prepareSeconds),
        pageErrors: problems.length,
      };
      console.log(
        `annotate latency on ${itemCount} ${values.shape === 'conversation' ? `conversation items (${values.expand ? 'unfolded' : 'folded'})` : 'items'}, ${result.presses} presses (pace ${paceMs} ms): p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, ` +
          `p99 ${result.p99Ms} ms, max ${result.maxMs} ms (key → DOM commit p50 ${result.commitP50Ms} ms, p95 ${result.commitP95Ms} ms); prefetched ${Math.round(result.prefetchedShare * 100)}% (target p95 < 50 ms)`,
      );
      console.log(JSON.stringify(result));
      if (problems.length > 0) console.error(`page errors:\n${problems.join('\n')}`);
      await context.close();
    } finally {
      await browser.close();
      await studio.stop();
    }
    if (values.keep) console.log(`kept: ${work}`);
  } finally {
    if (!values.keep) await rm(work, { recursive: true, force: true });
  }
}

await main();
