/**
 * The run manager with the REAL worker on the tiny model: metric rows stream in through the
 * subscription while it trains (batched, in rowid order, nothing dropped), the run finishes with
 * its checkpoints indexed in project.sqlite, a second CPU run waits in the queue; and a new run
 * manager (the studio restarted) reattaches to a live worker and keeps streaming.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectStore } from '../../app/store/project-store';
import { RunManager } from '../../app/runs/run-manager';
import type { MetricsBatch, RunSummary } from '../../app/runs/types';
import { ENDED_STATUSES, newBus, PYTHON, recordEvents, TINY_CONFIG, useTrainingProject, waitFor } from './training-fixtures';

const project = useTrainingProject('rs-train-stream-');

describe('run manager with the real worker', () => {
  it('streams metric rows while the worker trains, finishes with checkpoints indexed, and queues a second CPU run', async () => {
    const bus = newBus();
    const recorder = recordEvents(bus);
    // A short pause per step makes the training last long enough to watch rows arrive mid-run.
    const manager = new RunManager({ store: project.store, events: bus, python: () => PYTHON, tinyModelDir: project.tinyDir, workerEnv: { REWARD_STUDIO_STEP_DELAY: '0.15' } });
    await manager.resume();
    const splits = { train: ['train' as const], val: ['val' as const] };
    const first = await manager.start({ name: 'stream', presetId: 'tiny-cpu-demo', config: { ...TINY_CONFIG }, splits, gpus: [] });
    const second = await manager.start({ name: 'queued', config: { ...TINY_CONFIG, num_epochs: 1 }, splits, gpus: [] });
    expect(first.status).toBe('starting');
    expect(second.status).toBe('queued');

    const firstDone = await waitFor('the first run to end', () => (ENDED_STATUSES.has(manager.summary(first.id).status) ? manager.summary(first.id) : null), 240_000);
    expect(firstDone.status, JSON.stringify(firstDone.error)).toBe('finished');

    // Rows arrived through the subscription while the run was still running.
    const batches = recorder.events.filter((event) => event.name === 'runs.onMetrics' && (event.payload as MetricsBatch).runId === first.id);
    const finishedAt = recorder.events.find((event) => event.name === 'runs.onChanged' && (event.payload as RunSummary).id === first.id && (event.payload as RunSummary).status === 'finished')?.at;
    expect(finishedAt).toBeDefined();
    expect(batches.filter((event) => event.at < (finishedAt as number)).length).toBeGreaterThan(1);
    const streamed = batches.flatMap((event) => (event.payload as MetricsBatch).rows);
    const losses = streamed.filter((row) => row.tag === 'loss');
    expect(losses.length).toBeGreaterThan(5);

    // Nothing dropped, nothing twice, in rowid order: the batches equal the file.
    const stored = manager.metrics([first.id], 0)[0] as MetricsBatch;
    expect(streamed.map((row) => row.id)).toEqual(stored.rows.map((row) => row.id));
    for (const event of batches) {
      const batch = event.payload as MetricsBatch;
      expect(batch.lastId).toBe(batch.rows[batch.rows.length - 1]?.id);
    }
    // At most ~4 batches a second (250 ms apart, a little slack for timer jitter).
    for (let i = 1; i < batches.length; i++) expect((batches[i] as { at: number }).at - (batches[i - 1] as { at: number }).at).toBeGreaterThanOrEqual(200);

    // Checkpoints are indexed in project.sqlite, announced, and exist on disk.
    const checkpoints = manager.checkpoints(first.id);
    expect(checkpoints.length).toBeGreaterThan(0);
    for (const checkpoint of checkpoints) expect(existsSync(path.join(checkpoint.path, 'score_head.safetensors'))).toBe(true);
    expect(checkpoints.some((checkpoint) => checkpoint.isBest)).toBe(true);
    expect(recorder.of('checkpoints.onAdded').filter((info) => info.runId === first.id).length).toBeGreaterThanOrEqual(checkpoints.length);
    const row = project.store.db.prepare('SELECT status, pid, step, total_steps FROM runs WHERE id = ?').get(first.id) as { status: string; pid: number | null; step: number; total_steps: number };
    expect(row).toEqual({ status: 'finished', pid: null, step: row.total_steps, total_steps: firstDone.totalSteps });

    // The frozen snapshot and config are what the worker trained on.
    const config = JSON.parse(readFileSync(path.join(firstDone.dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config.base_model_name).toBe(project.tinyDir);
    expect(config.train_data_path).toBe('data/train.jsonl');
    expect(manager.get(first.id).data.report).toMatchObject({ train: { items: manager.get(first.id).data.trainItems } });
    expect(manager.log(first.id, 50).lines.join('\n')).toContain('finished');

    // The queued run started once the CPU was free, and finished too.
    const secondDone = await waitFor('the queued run to end', () => (ENDED_STATUSES.has(manager.summary(second.id).status) ? manager.summary(second.id) : null), 240_000);
    expect(secondDone.status, JSON.stringify(secondDone.error)).toBe('finished');
    expect(Date.parse(secondDone.startedAt as string)).toBeGreaterThanOrEqual(Date.parse(firstDone.finishedAt as string) - 1000);
    manager.detach();
  }, 480_000);

  it('a new run manager (the studio restarted) reattaches to a live worker and keeps streaming', async () => {
    const firstBus = newBus();
    const firstRecorder = recordEvents(firstBus);
    const env = { REWARD_STUDIO_STEP_DELAY: '0.3' };
    const before = new RunManager({ store: project.store, events: firstBus, python: () => PYTHON, tinyModelDir: project.tinyDir, workerEnv: env });
    await before.resume();
    const run = await before.start({ name: 'reattach', config: { ...TINY_CONFIG, num_epochs: 3 }, splits: { train: ['train'], val: ['val'] }, gpus: [] });
    await waitFor('the first loss rows', () => firstRecorder.of('runs.onMetrics').some((batch) => batch.rows.some((row) => row.tag === 'loss')), 180_000);
    const seenBefore = Math.max(...firstRecorder.of('runs.onMetrics').map((batch) => batch.lastId));
    const pid = before.summary(run.id).pid as number;

    // The studio goes away without touching the worker; a new one opens the same project.
    before.detach();
    const reopened = ProjectStore.open(project.store.dir);
    const bus = newBus();
    const recorder = recordEvents(bus);
    const after = new RunManager({ store: reopened, events: bus, python: () => PYTHON, tinyModelDir: project.tinyDir });
    try {
      await after.resume();
      expect(after.summary(run.id).status).toBe('running');
      expect(after.summary(run.id).pid).toBe(pid);
      await waitFor('rows through the new manager', () => recorder.of('runs.onMetrics').some((batch) => batch.rows.some((row) => row.id > seenBefore)), 120_000);
      const done = await waitFor('the reattached run to end', () => (ENDED_STATUSES.has(after.summary(run.id).status) ? after.summary(run.id) : null), 240_000);
      expect(done.status, JSON.stringify(done.error)).toBe('finished');
      // What the new manager streamed continues the file without gaps.
      const streamed = recorder.of('runs.onMetrics').flatMap((batch) => batch.rows.map((row) => row.id));
      const stored = (after.metrics([run.id], 0)[0] as MetricsBatch).rows.map((row) => row.id);
      expect(streamed).toEqual(stored.slice(stored.indexOf(streamed[0] as number)));
      expect(after.checkpoints(run.id).length).toBeGreaterThan(0);
      expect(recorder.of('runs.onChanged').some((summary) => summary.id === run.id && summary.status === 'finished')).toBe(true);
    } finally {
      after.detach();
      reopened.close();
    }
  }, 480_000);
});
