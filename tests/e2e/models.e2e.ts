/**
 * The Models view and model in the loop, in the real UI on a really trained tiny model: the run is
 * started through the contract (the Train UI has its own e2e), then
 * - the playground scores a query + a real sample image + two responses on Ctrl+Enter, and the
 *   scores equal `scoring.score` for the same input and the worker's own `python -m reward_studio
 *   score` on a one-item JSONL;
 * - Serve starts the HTTP API behind a generated API key: the URL read from the UI answers /health
 *   401 without the key and 200 with it, POST /score with it; the OpenRLHF tab shows the flag with
 *   that URL; Stop closes it;
 * - Export merged lists the export with its verify difference;
 * - Annotate: "Score the queue" with the newest checkpoint, the scores switch shows on the response
 *   cards exactly the stored scores, and "most uncertain first" opens the item with the smallest
 *   top-two gap, computed here from project.sqlite.
 * Also takes docs/screenshots/playground.png and serve-clients.png (UPDATE_SCREENSHOTS=1).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openContractSocket, type ContractSocket } from './harness/contract-socket';
import { REPO_ROOT } from './harness/renderer-build';
import { openSampleStudio, type SampleStudio } from './harness/sample-studio';

const SCREENSHOT_DIR = process.env.UPDATE_SCREENSHOTS ? join(REPO_ROOT, 'docs', 'screenshots') : join(REPO_ROOT, 'test-results', 'screenshots');
const VENV_PYTHON = join(REPO_ROOT, '.venv', 'bin', 'python');
const TRAIN_TIMEOUT_MS = 300_000;
const MAX_STEPS = 8;
const QUERY = 'What is the colour of the shape in the picture?';
const RESPONSES = ['The shape is red.', 'It is a blue circle on a white background.'];

const run = promisify(execFile);

function findImage(dir: string): string {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findImage(path);
      if (found) return found;
    } else if (/\.(png|jpe?g)$/i.test(entry.name)) return path;
  }
  return '';
}

function dataUrl(file: string): string {
  const type = extname(file).toLowerCase() === '.png' ? 'image/png' : 'image/jpeg';
  return `data:${type};base64,${readFileSync(file).toString('base64')}`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function shownScores(page: Page): Promise<number[]> {
  return page.getByTestId('playground-score').evaluateAll((elements) => elements.map((element) => Number(element.getAttribute('data-score'))));
}

interface StoredScores {
  evaluationId: number;
  byItem: Map<string, number[]>;
  responses: Map<string, string[]>;
}

/** The newest finished 'unjudged' evaluation of a checkpoint, read straight from the project file. */
function readStoredScores(projectDir: string, checkpointId: number): StoredScores {
  const db = new Database(join(projectDir, 'project.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const evaluation = db
      .prepare("SELECT id FROM evaluations WHERE checkpoint_id = ? AND split = 'unjudged' AND status = 'finished' ORDER BY id DESC LIMIT 1")
      .get(checkpointId) as { id: number } | undefined;
    if (!evaluation) throw new Error(`no finished unjudged evaluation of checkpoint ${checkpointId} in the database`);
    const byItem = new Map<string, number[]>();
    const rows = db
      .prepare('SELECT i.id AS itemId, s.response_idx AS idx, s.score FROM scores s JOIN items i ON i.rowid = s.item_rowid WHERE s.evaluation_id = ?')
      .all(evaluation.id) as { itemId: string; idx: number; score: number }[];
    for (const row of rows) {
      const list = byItem.get(row.itemId) ?? [];
      list[row.idx] = row.score;
      byItem.set(row.itemId, list);
    }
    const responses = new Map<string, string[]>();
    const texts = db.prepare('SELECT i.id AS itemId, r.idx, r.text FROM responses r JOIN items i ON i.rowid = r.item_rowid').all() as { itemId: string; idx: number; text: string }[];
    for (const row of texts) {
      const list = responses.get(row.itemId) ?? [];
      list[row.idx] = row.text;
      responses.set(row.itemId, list);
    }
    return { evaluationId: evaluation.id, byItem, responses };
  } finally {
    db.close();
  }
}

/** The model's own uncertainty: the gap between an item's two highest scores (written here, not imported). */
function topGap(scores: readonly number[]): number {
  const sorted = [...scores].sort((a, b) => b - a);
  return (sorted[0] ?? 0) - (sorted[1] ?? sorted[0] ?? 0);
}

describe('Models view and model in the loop', () => {
  let opened: SampleStudio;
  let socket: ContractSocket;
  let checkpoint: { id: number; path: string; step: number };
  let imageFile: string;

  beforeAll(async () => {
    if (!existsSync(VENV_PYTHON)) throw new Error(`No training environment at ${VENV_PYTHON}: run "npm run setup:worker" first.`);
    opened = await openSampleStudio();
    socket = await openContractSocket(opened.studio.url);
    imageFile = findImage(join(opened.projectDir, 'media'));
    if (!imageFile) throw new Error(`no sample image under ${opened.projectDir}/media`);
    const presets = await socket.invoke('runs.presets', {});
    const tiny = presets.find((preset) => preset.id.includes('tiny'));
    if (!tiny) throw new Error('the Tiny CPU preset is missing from resources/presets');
    const started = await socket.invoke('runs.start', {
      name: 'models-e2e',
      presetId: tiny.id,
      config: { ...tiny.config, max_steps: MAX_STEPS },
      splits: { train: ['train'], val: ['val'] },
    });
    const deadline = Date.now() + TRAIN_TIMEOUT_MS;
    for (;;) {
      const detail = await socket.invoke('runs.get', { id: started.id });
      if (detail.status === 'finished' && detail.checkpoints.length > 0) {
        const newest = [...detail.checkpoints].sort((a, b) => b.id - a.id)[0]!;
        checkpoint = { id: newest.id, path: newest.path, step: newest.step };
        break;
      }
      if (detail.status === 'failed' || detail.status === 'stopped') throw new Error(`the training run ended ${detail.status}: ${JSON.stringify(detail.error)}`);
      if (Date.now() > deadline) throw new Error(`the training run did not finish in ${TRAIN_TIMEOUT_MS / 1000} s (status ${detail.status})`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }, TRAIN_TIMEOUT_MS + 120_000);

  afterAll(async () => {
    socket?.close();
    await opened?.close();
  });

  it('scores a query, a sample image and two responses on Ctrl+Enter, equal to scoring.score and the worker', async () => {
    const { page } = opened.ui;
    // From the run's checkpoint list: Use ▾ → Open in playground.
    await page.getByTestId('nav-runs').click();
    await page.locator(`[data-testid="checkpoint-row"][data-step="${checkpoint.step}"]`).getByTestId('checkpoint-actions').click();
    await page.getByTestId('checkpoint-open-playground').click();
    await page.getByTestId('models-view').waitFor();
    expect(await page.getByTestId('playground-model').inputValue()).toBe(`checkpoint:${checkpoint.id}`);

    await page.getByTestId('playground-query').fill(QUERY);
    await page.getByTestId('playground-image-input').setInputFiles(imageFile);
    await page.getByTestId('playground-image-preview').waitFor();
    const rows = page.getByTestId('playground-response-text');
    await rows.nth(0).fill(RESPONSES[0]!);
    await rows.nth(1).fill(RESPONSES[1]!);
    await rows.nth(1).press('Control+Enter');

    await expect.poll(() => page.getByTestId('playground-score').count(), { timeout: 180_000 }).toBe(2);
    const scores = await shownScores(page);
    for (const score of scores) expect(Number.isFinite(score)).toBe(true);
    expect(await page.getByTestId('playground-meta').getAttribute('data-engine')).toBe('python');
    const best = scores[0]! > scores[1]! ? 0 : 1;
    expect(await page.getByTestId('playground-response').nth(best).getAttribute('data-best')).toBe('true');

    // The same input through the contract.
    const direct = await socket.invoke('scoring.score', {
      model: { kind: 'checkpoint', checkpointId: checkpoint.id },
      query: QUERY,
      responses: RESPONSES,
      image: dataUrl(imageFile),
    });
    expect(direct.scores).toHaveLength(2);
    direct.scores.forEach((score, index) => expect(scores[index]).toBeCloseTo(score, 6));

    // And through the worker's own score command, on a one-item JSONL with the image file.
    const dir = mkdtempSync(join(tmpdir(), 'rs-models-e2e-'));
    const data = join(dir, 'one.jsonl');
    writeFileSync(data, `${JSON.stringify({ id: 'one', query: QUERY, image: imageFile, response: RESPONSES, human_ranking: [0, 1] })}\n`);
    const output = join(dir, 'out.jsonl');
    await run(VENV_PYTHON, ['-m', 'reward_studio', 'score', '--model_path', checkpoint.path, '--data_path', data, '--output_path', output, '--exact-output'], {
      cwd: join(REPO_ROOT, 'workers'),
      timeout: 240_000,
    });
    const line = JSON.parse(readFileSync(output, 'utf8').trim().split('\n')[0]!) as { scores: number[] };
    line.scores.forEach((score, index) => expect(scores[index]).toBeCloseTo(score, 3));
    console.log(`models e2e: playground ${scores.map((score) => score.toFixed(5)).join(', ')}; worker ${line.scores.map((score) => score.toFixed(5)).join(', ')}`);
  }, 420_000);

  it('attaches the image by pasting it and by dropping it too', async () => {
    const { page } = opened.ui;
    const bytes = [...readFileSync(imageFile)];
    const type = extname(imageFile).toLowerCase() === '.png' ? 'image/png' : 'image/jpeg';
    const expected = dataUrl(imageFile);
    for (const how of ['paste', 'drop'] as const) {
      await page.getByTestId('playground-image-remove').click();
      await page.getByTestId('playground-dropzone').waitFor();
      // A real ClipboardEvent / DragEvent carrying a File, as the browser builds them for Ctrl+V and a drop.
      await page.evaluate(
        ({ how, bytes, type }) => {
          const transfer = new DataTransfer();
          transfer.items.add(new File([new Uint8Array(bytes)], `from-${how}.img`, { type }));
          const target = how === 'paste' ? document.querySelector('[data-testid="playground-query"]') : document.querySelector('[data-testid="playground-dropzone"]');
          if (!target) throw new Error(`no ${how} target`);
          const event = how === 'paste' ? new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }) : new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true });
          target.dispatchEvent(event);
        },
        { how, bytes, type },
      );
      await page.getByTestId('playground-image-preview').waitFor();
      expect(await page.getByTestId('playground-image-preview').getAttribute('src')).toBe(expected);
      expect(await page.getByTestId('playground-image').textContent()).toContain(`from-${how}.img`);
    }
  });

  it('scores a 13 MB PNG from the browser: the image goes up by upload, not inside a WebSocket frame, and serve keeps answering', async () => {
    const { page } = opened.ui;
    const side = 2100;
    const big = join(mkdtempSync(join(tmpdir(), 'rs-big-image-')), 'big-noise.png');
    // Noise does not compress: 2100×2100 RGB is 13.2 MB of PNG, 17.6 M base64 characters — more
    // than the 16 MiB a WebSocket frame may carry (the socket used to die on it).
    await sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } }).png({ compressionLevel: 0 }).toFile(big);
    const size = statSync(big).size;
    expect(size).toBeGreaterThan(12.6 * 1000 * 1000);
    expect(Math.ceil(size / 3) * 4).toBeGreaterThan(16 * 1024 * 1024);
    console.log(`models e2e: big image ${size} bytes, ${Math.ceil(size / 3) * 4} base64 characters`);
    const uploadsDir = join(opened.projectDir, 'cache', 'uploads');
    const uploadsBefore = existsSync(uploadsDir) ? readdirSync(uploadsDir).length : 0;

    if ((await page.getByTestId('playground-image-remove').count()) > 0) await page.getByTestId('playground-image-remove').click();
    await page.getByTestId('playground-image-input').setInputFiles(big);
    await page.getByTestId('playground-image-preview').waitFor();
    await page.getByTestId('playground-response-text').nth(0).press('Control+Enter');
    await expect.poll(async () => (await page.getByTestId('playground-meta').count()) > 0 && (await page.getByTestId('playground-stale').count()) === 0, { timeout: 180_000 }).toBe(true);
    expect(await page.getByTestId('playground-error').count()).toBe(0);
    const scores = await shownScores(page);
    expect(scores).toHaveLength(2);
    for (const score of scores) expect(Number.isFinite(score)).toBe(true);
    await page.screenshot({ path: join(REPO_ROOT, 'test-results', 'screenshots', 'playground-big-image.png') });

    // The image reached the server as one uploaded file, byte for byte; the WebSocket stayed up.
    const uploads = readdirSync(uploadsDir).filter((name) => name.endsWith('big-noise.png'));
    expect(readdirSync(uploadsDir).length).toBe(uploadsBefore + 1);
    expect(statSync(join(uploadsDir, uploads[0]!)).size).toBe(size);
    const status = await socket.invoke('serving.status', {});
    expect(status === null || typeof status === 'object').toBe(true);
    // Scoring again (another response) reuses the upload.
    await page.getByTestId('playground-response-text').nth(1).fill(`${RESPONSES[1]} Again.`);
    await page.getByTestId('playground-response-text').nth(1).press('Control+Enter');
    await expect.poll(async () => (await page.getByTestId('playground-meta').count()) > 0 && (await page.getByTestId('playground-stale').count()) === 0, { timeout: 180_000 }).toBe(true);
    expect(readdirSync(uploadsDir).length).toBe(uploadsBefore + 1);
  }, 420_000);

  it('refuses an image file that was not uploaded to the project', async () => {
    await expect(
      socket.invoke('scoring.score', { model: { kind: 'checkpoint', checkpointId: checkpoint.id }, query: QUERY, responses: RESPONSES, imageFile: imageFile }),
    ).rejects.toThrow(/"code":"forbidden"/);
  });

  it('serves the checkpoint behind a generated API key: the URL from the UI answers POST /score with it, 401 without; the client tabs show it', async () => {
    const { page } = opened.ui;
    const port = await freePort();
    await page.getByTestId('serve-port').fill(String(port));

    // A key that is too short is refused beside the field; Generate replaces it with 64 hex digits.
    await page.getByTestId('serve-api-key').fill('too-short');
    expect(await page.getByTestId('serve-api-key-error').textContent()).toMatch(/at least 16 characters/);
    expect(await page.getByTestId('serve-start').isDisabled()).toBe(true);
    mkdirSync(join(REPO_ROOT, 'test-results', 'screenshots'), { recursive: true });
    await page.getByTestId('serve-panel').screenshot({ path: join(REPO_ROOT, 'test-results', 'screenshots', 'serve-form-bad-key.png') });
    await page.getByTestId('serve-api-key-generate').click();
    expect(await page.getByTestId('serve-api-key-error').count()).toBe(0);
    expect(await page.getByTestId('serve-api-key').getAttribute('type')).toBe('password');
    const apiKey = await page.getByTestId('serve-api-key').inputValue();
    expect(apiKey).toMatch(/^[0-9a-f]{64}$/);

    await page.getByTestId('serve-start').click();
    await page.getByTestId('serve-url').waitFor({ timeout: 60_000 });
    const url = ((await page.getByTestId('serve-url').textContent()) ?? '').trim();
    expect(url).toContain(`:${port}`);
    const base = url.replace(/\/$/, '');
    expect(await page.getByTestId('serve-auth').getAttribute('data-required')).toBe('yes');
    // The studio says that a key is required, never which.
    const status = await socket.invoke('serving.status', {});
    expect(status?.apiKeyRequired).toBe(true);
    expect(JSON.stringify(status)).not.toContain(apiKey);

    // The model loads before serving.start returns, so /health answers at once: 401 without the key, 200 with it.
    const health = async (headers: Record<string, string>) => (await fetch(new URL('/health', url), { headers })).status;
    expect(await health({})).toBe(401);
    expect(await health({ Authorization: 'Bearer not-the-key-0123456789' })).toBe(401);
    expect(await health({ Authorization: `Bearer ${apiKey}` })).toBe(200);

    const body = JSON.stringify({ prompt: QUERY, response: RESPONSES[0] });
    let answer: { status: number; json: { score?: unknown } } = { status: 0, json: {} };
    // 503 while the model loads; the server listens at once.
    await expect
      .poll(
        async () => {
          const response = await fetch(new URL('/score', url), { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${apiKey}` }, body });
          answer = { status: response.status, json: (await response.json()) as { score?: unknown } };
          return answer.status;
        },
        { timeout: 180_000, interval: 1000 },
      )
      .toBe(200);
    expect(typeof answer.json.score).toBe('number');
    await expect.poll(() => page.getByTestId('serve-requests').getAttribute('data-count'), { timeout: 10_000 }).not.toBe('0');

    // curl (the default tab): the real URL and the key's header.
    const curlScore = (await page.getByTestId('serve-example-score').textContent()) ?? '';
    expect(curlScore).toContain(`${base}/score`);
    expect(curlScore).toContain(`Authorization: Bearer ${apiKey}`);
    // OpenRLHF: the flag with the real URL, and the reward function that sends the key.
    await page.getByTestId('serve-client-openrlhf').click();
    expect(await page.getByTestId('serve-client-panel').getAttribute('data-client')).toBe('openrlhf');
    expect(((await page.getByTestId('serve-example-openrlhf-flag').locator('pre').textContent()) ?? '').trim()).toBe(`--reward.remote_url ${base}/get_reward`);
    expect(await page.getByTestId('serve-example-openrlhf-func').textContent()).toContain(apiKey);
    // The key row shows the key only on request.
    expect(await page.getByTestId('serve-key-value').textContent()).not.toContain(apiKey);
    await page.getByTestId('serve-key-show').click();
    expect(await page.getByTestId('serve-key-value').textContent()).toBe(apiKey);
    await page.getByTestId('serve-key-show').click();

    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.mouse.move(0, 0);
    await page.getByTestId('serve-panel').screenshot({ path: join(SCREENSHOT_DIR, 'serve-clients.png') });
    await page.getByTestId('serve-client-curl').click();
  }, 240_000);

  it('exports the merged model and lists it with its verify difference', async () => {
    const { page } = opened.ui;
    await page.getByTestId('export-merged').click();
    const entry = page.locator('[data-testid="export-entry"][data-format="merged"]');
    await entry.first().waitFor({ timeout: 300_000 });
    expect(await entry.first().getByTestId('export-verify').textContent()).toMatch(/max \|Δ\| (\d|not verified)/);
    // A standard Hugging Face folder: the sample's VL model with the MLP head needs our registered class.
    expect(await entry.first().getByTestId('export-loads-with').textContent()).toBe('AutoModelForSequenceClassification, trust_remote_code=True');

    const url = ((await page.getByTestId('serve-url').textContent()) ?? '').trim();
    await page.getByTestId('serve-stop').click();
    await expect.poll(() => page.getByTestId('serve-state').getAttribute('data-state'), { timeout: 30_000 }).toBe('stopped');

    // The screenshot shows the view from its top (the serve form, the export), not the "Exported …"
    // toast over it; serving with the client examples is serve-clients.png.
    // A toast may expire between listing and clicking (they do after 5–12 s): then there is nothing to close.
    for (const dismiss of await page.getByTestId('toast-dismiss').all()) await dismiss.click({ timeout: 2_000 }).catch(() => undefined);
    await page.evaluate(() => {
      for (const element of document.querySelectorAll('*')) if (element.scrollTop > 0) element.scrollTop = 0;
    });
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'playground.png') });
    const refused = await fetch(new URL('/score', url), { method: 'POST', body: '{}' }).then(
      () => 'answered',
      (error: unknown) => String((error as { cause?: { code?: string } }).cause?.code ?? error),
    );
    expect(refused).toBe('ECONNREFUSED');
  }, 360_000);

  it('deletes an export only after the confirmation', async () => {
    const { page } = opened.ui;
    const entry = page.locator('[data-testid="export-entry"][data-format="merged"]').first();
    const id = (await entry.getAttribute('data-export-id')) ?? '';
    const folder = join(opened.projectDir, 'exports', id);
    expect(existsSync(folder)).toBe(true);
    await entry.getByTestId('export-delete').click();
    await entry.getByTestId('export-delete-confirm').waitFor();
    expect(existsSync(folder)).toBe(true);
    await entry.getByTestId('export-delete-confirm-button').click();
    await expect.poll(() => page.locator(`[data-testid="export-entry"][data-export-id="${id}"]`).count(), { timeout: 15_000 }).toBe(0);
    expect(existsSync(folder)).toBe(false);
  });

  it('exports ONNX and scores it in the playground with onnxruntime, close to the checkpoint', async () => {
    const { page } = opened.ui;
    const before = await shownScores(page);
    await page.getByTestId('export-onnx').click();
    const entry = page.locator('[data-testid="export-entry"][data-format="onnx"]').first();
    await entry.waitFor({ timeout: 400_000 });
    // For a look at the per-size verification on the export's card (not a README image).
    await entry.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(REPO_ROOT, 'test-results', 'screenshots', 'onnx-export-card.png') });
    await entry.getByTestId('export-use').click();
    const exportId = await entry.getAttribute('data-export-id');
    expect(await page.getByTestId('playground-model').inputValue()).toBe(`export:${exportId}`);
    await page.getByTestId('playground-query').press('Control+Enter');
    await expect.poll(() => page.getByTestId('playground-meta').getAttribute('data-engine'), { timeout: 180_000 }).toBe('onnx');
    const onnx = await shownScores(page);
    console.log(`models e2e: checkpoint ${before.map((score) => score.toFixed(5)).join(', ')}; ONNX export ${onnx.map((score) => score.toFixed(5)).join(', ')}`);
    onnx.forEach((score, index) => expect(Math.abs(score - before[index]!)).toBeLessThan(1e-3));
  }, 600_000);

  it('scores the queue, shows the stored scores on the cards, and orders most uncertain first', async () => {
    const { page } = opened.ui;
    await page.getByTestId('nav-annotate').click();
    if (await page.getByTestId('annotator-name-input').isVisible().catch(() => false)) {
      await page.getByTestId('annotator-name-input').fill('model-e2e');
      await page.getByTestId('annotator-name-save').click();
    }
    const view = page.getByTestId('annotate-view');
    await view.waitFor();
    // Off by default: no scores on the cards.
    expect(await page.getByTestId('model-scores-toggle').isChecked()).toBe(false);
    expect(await page.getByTestId('model-score').count()).toBe(0);

    await page.getByTestId('queue-score-button').click();
    await page.locator('[data-testid="queue-score-button"][data-state="scored"]').waitFor({ timeout: 300_000 });
    const stored = readStoredScores(opened.projectDir, checkpoint.id);

    await page.getByTestId('model-scores-toggle').check();
    await expect.poll(() => page.getByTestId('model-score').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    // For a look at the quiet scores (not a README image).
    await page.screenshot({ path: join(REPO_ROOT, 'test-results', 'screenshots', 'annotate-model-scores.png') });
    const itemId = (await view.getAttribute('data-item-id')) ?? '';
    const expected = stored.byItem.get(itemId);
    const texts = stored.responses.get(itemId);
    if (!expected || !texts) throw new Error(`item ${itemId} on screen has no stored scores in evaluation ${stored.evaluationId}`);
    const cards = page.getByTestId('annotate-response');
    const count = await cards.count();
    expect(count).toBe(expected.length);
    for (let position = 0; position < count; position += 1) {
      const card = cards.nth(position);
      const text = ((await card.locator('.response-card-body').textContent()) ?? '').trim();
      const original = texts.findIndex((candidate) => candidate.trim() === text);
      expect(original).toBeGreaterThanOrEqual(0);
      expect(Number(await card.getByTestId('model-score').getAttribute('data-score'))).toBe(expected[original]);
    }
    // The switch is remembered.
    await page.reload();
    await page.getByTestId('annotate-view').waitFor();
    expect(await page.getByTestId('model-scores-toggle').isChecked()).toBe(true);

    // Most uncertain first: the smallest gap between the two highest stored scores.
    let expectedFirst = '';
    let smallest = Infinity;
    for (const [id, scores] of stored.byItem) {
      const gap = topGap(scores);
      if (gap < smallest) {
        smallest = gap;
        expectedFirst = id;
      }
    }
    await page.getByTestId('queue-order').selectOption('uncertain');
    await expect.poll(() => page.getByTestId('annotate-view').getAttribute('data-item-id'), { timeout: 15_000 }).toBe(expectedFirst);
    console.log(`models e2e: ${stored.byItem.size} queue items scored; most uncertain ${expectedFirst} (gap ${smallest.toExponential(2)})`);
    expect(opened.ui.problems.filter((problem) => !problem.includes('favicon'))).toEqual([]);
  }, 420_000);
});
