/**
 * Chart frame time with 100k points per series, in the real renderer (Debian's Chromium via
 * playwright-core) against a real `reward-studio serve`:
 *
 *   npx tsx bench/chart-frame-time.ts [--points 100000] [--stream-steps-per-s 10] [--phase-s 8] [--json-out FILE]
 *
 * Where the points come from (no page hook): a Python writer using the worker's own MetricsDB
 * class creates DIR/metrics.sqlite, bulk-inserts --points steps of the 8 per-step chart tags
 * (loss, accuracy, margin, learning_rate, grad_norm, samples/s, tokens/s, GPU memory; with
 * spikes) plus an evaluation every 500 steps, and then keeps writing live steps like a training
 * worker (heartbeat, one transaction per step). The run is recorded in the project as running
 * with the writer's pid, so `serve` reattaches to it on start, exactly as after a studio restart.
 * The renderer loads the history through runs.metrics and follows runs.onMetrics batches.
 *
 * Measured in the page: requestAnimationFrame deltas (frame times) and long tasks
 * (PerformanceObserver 'longtask', > 50 ms) during four phases, all while the writer streams:
 *   stream  — new batches arriving (≤ 4 per second), charts redrawing
 *   hover   — the mouse sweeping across the loss chart (hover values + cursor)
 *   smooth  — the smoothing slider moved every 250 ms (every chart re-smooths 100k points)
 *   toggle  — log scale and step/time x axis switched every 500 ms
 * Prints p50/p95/max frame time per phase and one JSON line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { Studio } from '../app/studio/studio';
import { venvPython, WORKERS_DIR } from '../app/environment/python-interpreter';
import { RunRecords } from '../app/runs/run-records';
import { launchBrowser } from '../tests/e2e/harness/browser';
import { ensureRendererBuilt } from '../tests/e2e/harness/renderer-build';
import { startServe } from '../tests/e2e/harness/studio-process';

const { values: args } = parseArgs({
  options: {
    points: { type: 'string', default: '100000' },
    'stream-steps-per-s': { type: 'string', default: '10' },
    'phase-s': { type: 'string', default: '8' },
    'json-out': { type: 'string' },
  },
});
const POINTS = Number(args.points);
const STREAM_STEPS_PER_S = Number(args['stream-steps-per-s']);
const PHASE_MS = Number(args['phase-s']) * 1000;

const WRITER = `
import math, random, sys, time
from reward_studio.metrics_db import MetricsDB
path, seed_steps, steps_per_s = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
rng = random.Random(7)
def train_values(step):
    loss = 0.05 + 0.64 * math.exp(-step / 25000) + 0.04 * rng.random()
    if step % 9973 == 0:
        loss += 2.5  # a divergence spike the downsampling must keep
    lr = 1e-5 * min(1.0, step / 2000) * (0.5 + 0.5 * math.cos(math.pi * step / (seed_steps * 2)))
    return {"loss": loss, "accuracy": min(1.0, 0.5 + 0.45 * (1 - math.exp(-step / 20000)) + 0.1 * (rng.random() - 0.5)),
            "margin": 2.0 * (1 - math.exp(-step / 30000)) + 0.3 * (rng.random() - 0.5), "learning_rate": lr,
            "grad_norm": 1.0 + rng.random() * 3, "samples_per_second": 30 + rng.random() * 4,
            "tokens_per_second": 9000 + rng.random() * 800, "gpu_memory_gb": 17.5 + rng.random() * 0.3}
def eval_values(step):
    return {"eval_loss": 0.1 + 0.6 * math.exp(-step / 25000), "eval_accuracy": 0.55 + 0.4 * (1 - math.exp(-step / 20000)),
            "eval_margin": 1.8 * (1 - math.exp(-step / 30000))}
db = MetricsDB(path)
start = time.time() - seed_steps * 0.25
rows = []
sql = "INSERT INTO scalars(step, tag, value, wall_time) VALUES (?, ?, ?, ?)"
for step in range(1, seed_steps + 1):
    wall = start + step * 0.25
    for tag, value in train_values(step).items():
        rows.append((step, tag, value, wall))
    if step % 500 == 0:
        for tag, value in eval_values(step).items():
            rows.append((step, tag, value, wall))
    if len(rows) >= 100000:
        db._write(sql, rows)
        rows = []
if rows:
    db._write(sql, rows)
total = seed_steps * 2
db.status("training", step=seed_steps, total_steps=total)
db.start_heartbeat()
print("ready", flush=True)
sys.stdin.readline()
t0 = time.time()
step = seed_steps
while step < total:
    step += 1
    db.scalars(step, train_values(step))
    db.status("training", step=step)
    delay = t0 + (step - seed_steps) / steps_per_s - time.time()
    if delay > 0:
        time.sleep(delay)
`;

interface PhaseStats {
  phase: string;
  frames: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  over50Ms: number;
  longTasks: number;
  longTaskMs: number;
  lossPointsEnd: number;
}

declare global {
  interface Window {
    __chartBench?: { deltas: number[]; longTasks: number[]; running: boolean; observer: PerformanceObserver | null };
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

const round = (value: number) => Math.round(value * 10) / 10;

/**
 * A string, not a function: tsx (esbuild keepNames) wraps named functions in a `__name` helper
 * that does not exist inside the page.
 */
const START_RECORDING = `(() => {
  const record = { deltas: [], longTasks: [], running: true, observer: null };
  window.__chartBench = record;
  record.observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) record.longTasks.push(entry.duration);
  });
  record.observer.observe({ type: 'longtask', buffered: false });
  let last = 0;
  function tick(now) {
    if (!record.running) return;
    record.deltas.push(now - last);
    last = now;
    requestAnimationFrame(tick);
  }
  requestAnimationFrame((now) => {
    last = now;
    requestAnimationFrame(tick);
  });
})()`;

async function startRecording(page: Page): Promise<void> {
  await page.evaluate(START_RECORDING);
}

async function stopRecording(page: Page, phase: string): Promise<PhaseStats> {
  const { deltas, longTasks } = await page.evaluate(() => {
    const record = window.__chartBench;
    if (!record) return { deltas: [], longTasks: [] };
    record.running = false;
    record.observer?.disconnect();
    return { deltas: record.deltas, longTasks: record.longTasks };
  });
  const sorted = [...deltas].sort((a, b) => a - b);
  const lossPointsEnd = Number(await page.getByTestId('chart-loss').getAttribute('data-points'));
  return {
    phase,
    frames: deltas.length,
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted[sorted.length - 1] ?? Number.NaN),
    over50Ms: deltas.filter((delta) => delta > 50).length,
    longTasks: longTasks.length,
    longTaskMs: Math.round(longTasks.reduce((sum, value) => sum + value, 0)),
    lossPointsEnd,
  };
}

async function during(ms: number, action: (elapsed: number) => Promise<void>): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < ms) await action(Date.now() - started);
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'rs-chart-bench-'));
  const home = path.join(work, 'home');
  mkdirSync(home, { recursive: true });
  process.env.REWARD_STUDIO_HOME = home;
  let writer: ChildProcess | null = null;
  let stopServe: (() => Promise<void>) | null = null;
  try {
    ensureRendererBuilt();
    const projectDir = path.join(work, 'project');
    const runDir = path.join(projectDir, 'runs', 'bench_100k');
    const studio = new Studio({ kind: 'browser' });
    studio.createProject(projectDir, 'Chart frame-time bench');
    mkdirSync(runDir, { recursive: true });

    const seedStarted = performance.now();
    const child = spawn(venvPython(), ['-c', WRITER, path.join(runDir, 'metrics.sqlite'), String(POINTS), String(STREAM_STEPS_PER_S)], {
      cwd: WORKERS_DIR,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    writer = child;
    await new Promise<void>((resolve, reject) => {
      child.stdout?.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`the metrics writer exited (${code}) before it was ready`)));
    });
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const records = new RunRecords(studio.project().db);
    const runId = records.insert({
      name: 'bench-100k',
      dir: runDir,
      status: 'running',
      config: {},
      presetId: null,
      baseModel: 'bench',
      gpus: [0],
      splits: { train: ['train'], val: ['val'] },
      trainItems: 0,
      valItems: 0,
      totalSteps: POINTS * 2,
    });
    records.update(runId, { pid: child.pid as number, startedAt: new Date().toISOString() });
    studio.close();

    const served = await startServe({ home, project: projectDir });
    stopServe = served.stop;
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark', deviceScaleFactor: 1 });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      const loadStarted = Date.now();
      await page.goto(`${served.url}#/runs/${runId}`);
      await page.getByTestId('chart-loss').waitFor({ timeout: 60_000 });
      await page.waitForFunction((points) => Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points')) >= points, POINTS, {
        timeout: 180_000,
        polling: 200,
      });
      const loadSeconds = (Date.now() - loadStarted) / 1000;
      child.stdin?.write('go\n');
      await page.waitForTimeout(1500);

      const rendered = await page.$$eval('[data-testid^="chart-"][data-points]', (elements) =>
        elements.map((element) => ({
          chart: element.getAttribute('data-testid'),
          points: Number(element.getAttribute('data-points')),
          rendered: Number(element.getAttribute('data-rendered-points')),
        })),
      );

      const phases: PhaseStats[] = [];
      await startRecording(page);
      await page.waitForTimeout(PHASE_MS);
      phases.push(await stopRecording(page, 'stream'));

      const box = await page.getByTestId('chart-loss').boundingBox();
      if (!box) throw new Error('the loss chart has no box');
      await startRecording(page);
      await during(PHASE_MS, async (elapsed) => {
        const fraction = (elapsed % 2000) / 2000;
        await page.mouse.move(box.x + 60 + fraction * (box.width - 80), box.y + box.height / 2);
        await page.waitForTimeout(16);
      });
      phases.push(await stopRecording(page, 'hover'));
      await page.mouse.move(0, 0);

      const slider = page.getByTestId('chart-smoothing');
      await startRecording(page);
      let flip = false;
      await during(PHASE_MS, async () => {
        flip = !flip;
        await slider.fill(flip ? '0.9' : '0.3');
        await page.waitForTimeout(250);
      });
      phases.push(await stopRecording(page, 'smooth'));

      await startRecording(page);
      let toggles = 0;
      await during(PHASE_MS, async () => {
        toggles += 1;
        if (toggles % 2 === 0) await page.getByTestId('chart-log').click();
        else await page.getByTestId(toggles % 4 === 1 ? 'chart-x-time' : 'chart-x-step').click();
        await page.waitForTimeout(500);
      });
      phases.push(await stopRecording(page, 'toggle'));

      console.log(`chart frame time: ${POINTS.toLocaleString()} points per series, ${rendered.length} charts, streaming ${STREAM_STEPS_PER_S} steps/s`);
      console.log(`  seed metrics.sqlite ${seedSeconds.toFixed(1)} s; first paint of all ${POINTS.toLocaleString()} loss points ${loadSeconds.toFixed(1)} s after navigation`);
      console.log(`  rendered points per chart: ${rendered.map((entry) => `${entry.chart?.replace('chart-', '')} ${entry.rendered}/${entry.points}`).join(', ')}`);
      console.log('  phase    frames  p50 ms  p95 ms  p99 ms  max ms  >50ms  long tasks (ms)  loss points');
      for (const stats of phases) {
        console.log(
          `  ${stats.phase.padEnd(7)} ${String(stats.frames).padStart(7)} ${String(stats.p50Ms).padStart(7)} ${String(stats.p95Ms).padStart(7)} ${String(stats.p99Ms).padStart(7)} ${String(stats.maxMs).padStart(7)} ${String(stats.over50Ms).padStart(6)}  ${String(stats.longTasks).padStart(4)} (${stats.longTaskMs})`.padEnd(
            78,
          ) + `  ${stats.lossPointsEnd.toLocaleString()}`,
        );
      }
      if (problems.length > 0) console.log(`  page errors: ${problems.join(' | ')}`);
      const summary = {
        bench: 'chart-frame-time',
        pointsPerSeries: POINTS,
        streamStepsPerSecond: STREAM_STEPS_PER_S,
        seedSeconds: round(seedSeconds),
        loadSeconds: round(loadSeconds),
        charts: rendered,
        phases,
        pageErrors: problems,
      };
      console.log(JSON.stringify(summary));
      if (args['json-out']) writeFileSync(args['json-out'], `${JSON.stringify(summary, null, 2)}\n`);
    } finally {
      await browser.close();
    }
  } finally {
    writer?.kill('SIGTERM');
    await stopServe?.();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
