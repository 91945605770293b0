/**
 * Worker write → subscriber receive latency of live metrics (`npx tsx bench/metrics-latency.ts`).
 *
 * The writer is a Python process using the worker's own MetricsDB class (same schema, WAL, one
 * short transaction per step, the heartbeat thread), so rows land exactly as in training; each
 * row carries the worker's wall_time. The receiving side is the real studio: a Studio with a
 * project whose runs table points at the writer (the run manager reattaches to it as after a
 * restart), the real metrics tail and event bus, the real `serve` HTTP/WebSocket server, and a
 * WebSocket client. Latency = client receive time − the row's wall_time (one machine, one clock).
 *
 * Target: p95 < 500 ms. Prints a table and a JSON line (also written with --json-out FILE).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { createRouter } from '../app/rpc/router';
import type { ServerMessage } from '../app/rpc/wire';
import { startStudioServer } from '../app/server/studio-server';
import { createHandlers } from '../app/studio/create-handlers';
import { Studio } from '../app/studio/studio';
import { venvPython, WORKERS_DIR } from '../app/environment/python-interpreter';
import { RunRecords } from '../app/runs/run-records';
import type { MetricsBatch, RunSummary } from '../app/runs/types';

const WRITER = `
import sys, time
from reward_studio.metrics_db import MetricsDB
path, steps_per_s, seconds = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
tags = ["loss", "accuracy", "margin", "mean_reward", "reward_std", "grad_norm", "learning_rate",
        "samples_per_second", "tokens_per_second", "epoch"]
db = MetricsDB(path)
total = int(steps_per_s * seconds)
db.status("training", step=0, total_steps=total)
db.start_heartbeat()
print("ready", flush=True)
sys.stdin.readline()  # go
start = time.time()
for step in range(1, total + 1):
    db.scalars(step, {tag: 1.0 / step for tag in tags})
    db.status("training", step=step)
    delay = start + step / steps_per_s - time.time()
    if delay > 0:
        time.sleep(delay)
db.status("finished", step=total)
db.close()
`;

interface Scenario {
  label: string;
  stepsPerSecond: number;
  seconds: number;
}

const SCENARIOS: Scenario[] = [
  { label: '20 rows/s (2 steps/s × 10 tags)', stepsPerSecond: 2, seconds: 20 },
  { label: '200 rows/s (20 steps/s × 10 tags)', stepsPerSecond: 20, seconds: 20 },
];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function runScenario(scenario: Scenario, work: string) {
  const studio = new Studio({ kind: 'browser' });
  const projectDir = path.join(work, `project-${scenario.stepsPerSecond}`);
  studio.createProject(projectDir, 'Latency bench');
  const server = await startStudioServer({
    router: createRouter(createHandlers(studio)),
    events: studio.events,
    projectFile: (relPath) => studio.projectFile(relPath),
    rendererDir: path.join(work, 'no-renderer'),
    port: 0,
  });
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const latencies: number[] = [];
  let batches = 0;
  let rows = 0;
  let lastId = 0;
  let gaps = 0;
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finished = resolve));
  socket.on('message', (data) => {
    const received = Date.now();
    const message = JSON.parse(data.toString()) as ServerMessage;
    if (message.type !== 'event') return;
    if (message.name === 'runs.onMetrics') {
      const batch = message.payload as MetricsBatch;
      batches += 1;
      for (const row of batch.rows) {
        if (lastId !== 0 && row.id !== lastId + 1) gaps += 1;
        lastId = row.id;
        rows += 1;
        latencies.push(received - row.wallTime * 1000);
      }
    } else if (message.name === 'runs.onChanged' && (message.payload as RunSummary).status === 'finished') {
      finished();
    }
  });

  // The run folder the writer fills, recorded as a running run of the project.
  const runDir = path.join(projectDir, 'runs', `bench_${scenario.stepsPerSecond}`);
  mkdirSync(runDir, { recursive: true });
  const writer = spawn(venvPython(), ['-c', WRITER, path.join(runDir, 'metrics.sqlite'), String(scenario.stepsPerSecond), String(scenario.seconds)], {
    cwd: WORKERS_DIR,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) => writer.stdout.once('data', () => resolve()));
  const records = new RunRecords(studio.project().db);
  const id = records.insert({
    name: 'bench', dir: runDir, status: 'running', config: {}, presetId: null, baseModel: '', gpus: [],
    splits: { train: ['train'], val: [] }, trainItems: 0, valItems: 0, totalSteps: null,
  });
  records.update(id, { pid: writer.pid as number, startedAt: new Date().toISOString() });
  // Reopening the project is a studio restart: its run manager reattaches to the live writer.
  studio.openProject(projectDir);
  await new Promise((resolve) => setTimeout(resolve, 500));
  writer.stdin.write('go\n');
  const started = Date.now();
  await done;
  const wall = (Date.now() - started) / 1000;
  socket.close();
  await server.close();
  studio.close();
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    scenario: scenario.label,
    rows,
    batches,
    batchesPerSecond: Number((batches / wall).toFixed(2)),
    gaps,
    p50Ms: Math.round(percentile(sorted, 50)),
    p95Ms: Math.round(percentile(sorted, 95)),
    maxMs: Math.round(sorted[sorted.length - 1] ?? Number.NaN),
  };
}

const work = mkdtempSync(path.join(tmpdir(), 'rs-metrics-latency-'));
process.env.REWARD_STUDIO_HOME = path.join(work, 'home');
try {
  const results = [];
  for (const scenario of SCENARIOS) {
    const result = await runScenario(scenario, work);
    results.push(result);
    console.log(
      `${result.scenario.padEnd(36)} rows ${String(result.rows).padStart(5)}  batches ${String(result.batches).padStart(4)} (${result.batchesPerSecond}/s)  ` +
        `gaps ${result.gaps}  p50 ${result.p50Ms} ms  p95 ${result.p95Ms} ms  max ${result.maxMs} ms`,
    );
  }
  const summary = { bench: 'metrics-latency', target: { p95Ms: 500 }, pass: results.every((result) => result.p95Ms < 500 && result.gaps === 0), results };
  console.log(JSON.stringify(summary));
  const outIndex = process.argv.indexOf('--json-out');
  if (outIndex > 0 && process.argv[outIndex + 1]) writeFileSync(process.argv[outIndex + 1] as string, `${JSON.stringify(summary, null, 2)}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
