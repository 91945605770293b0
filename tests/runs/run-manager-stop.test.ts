/**
 * Stopping and losing workers, with the REAL worker on the tiny model: Stop sends SIGTERM and the
 * worker checkpoints and ends as stopped; `kill -9` of the worker marks the run failed and its
 * metrics stay readable; delete removes the folder and the rows.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunManager } from '../../app/runs/run-manager';
import type { MetricsBatch } from '../../app/runs/types';
import { ENDED_STATUSES, newBus, PYTHON, recordEvents, TINY_CONFIG, useTrainingProject, waitFor } from './training-fixtures';

const project = useTrainingProject('rs-train-stop-');
// Slow steps: the run is still training when the test acts on it.
const SLOW = { REWARD_STUDIO_STEP_DELAY: '0.5' };

function manager(bus = newBus()): RunManager {
  return new RunManager({ store: project.store, events: bus, python: () => PYTHON, tinyModelDir: project.tinyDir, workerEnv: SLOW });
}

describe('stopping and losing workers', () => {
  it('Stop: SIGTERM, the worker saves a checkpoint at the current step and the run ends as stopped', async () => {
    const runs = manager();
    await runs.resume();
    const run = await runs.start({ name: 'stop-me', config: { ...TINY_CONFIG, num_epochs: 20 }, splits: { train: ['train'], val: ['val'] }, gpus: [] });
    await waitFor('a few training steps', () => runs.summary(run.id).step >= 2, 180_000);
    await runs.stop(run.id);
    const done = await waitFor('the run to end', () => (ENDED_STATUSES.has(runs.summary(run.id).status) ? runs.summary(run.id) : null), 120_000);
    expect(done.status).toBe('stopped');
    expect(done.error).toBeNull();
    expect(done.step).toBeLessThan(done.totalSteps as number);
    const checkpoints = runs.checkpoints(run.id);
    expect(checkpoints.map((checkpoint) => checkpoint.step)).toContain(done.step);
    expect(existsSync(path.join(done.dir, 'checkpoints', `step-${done.step}`, 'trainer_state.json'))).toBe(true);
    runs.detach();
  }, 300_000);

  it('kill -9 of the worker: the run is marked failed and its metrics stay readable', async () => {
    const bus = newBus();
    const recorder = recordEvents(bus);
    const runs = manager(bus);
    await runs.resume();
    const run = await runs.start({ name: 'killed', config: { ...TINY_CONFIG, num_epochs: 20 }, splits: { train: ['train'], val: ['val'] }, gpus: [] });
    await waitFor('loss rows', () => recorder.of('runs.onMetrics').filter((batch) => batch.rows.some((row) => row.tag === 'loss')).length >= 2, 180_000);
    const pid = runs.summary(run.id).pid as number;
    process.kill(pid, 'SIGKILL');
    const done = await waitFor('the run to be marked', () => (ENDED_STATUSES.has(runs.summary(run.id).status) ? runs.summary(run.id) : null), 60_000);
    expect(done.status).toBe('failed');
    expect(done.error?.message).toContain('SIGKILL');
    expect(done.pid).toBeNull();
    const streamed = recorder.of('runs.onMetrics').flatMap((batch) => batch.rows);
    const stored = (runs.metrics([run.id], 0)[0] as MetricsBatch).rows;
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.map((row) => row.id)).toEqual(streamed.map((row) => row.id));
    expect(stored.filter((row) => row.tag === 'loss').length).toBeGreaterThanOrEqual(2);

    // Delete removes the folder and the rows (checkpoints cascade).
    expect(await runs.delete(run.id)).toEqual({ deleted: 1 });
    expect(existsSync(done.dir)).toBe(false);
    expect(runs.list().some((summary) => summary.id === run.id)).toBe(false);
    runs.detach();
  }, 300_000);

  it('a worker that died while the studio was closed is marked failed on the next start, its metrics kept', async () => {
    const runs = manager();
    await runs.resume();
    const run = await runs.start({ name: 'died-offline', config: { ...TINY_CONFIG, num_epochs: 20 }, splits: { train: ['train'], val: ['val'] }, gpus: [] });
    await waitFor('a training step', () => runs.summary(run.id).step >= 1, 180_000);
    const pid = runs.summary(run.id).pid as number;
    runs.detach();
    process.kill(pid, 'SIGKILL');
    await waitFor('the worker to exit', () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    }, 30_000);
    const restarted = manager();
    await restarted.resume();
    const summary = restarted.summary(run.id);
    expect(summary.status).toBe('failed');
    expect(summary.error?.message).toContain('without saying why');
    expect((restarted.metrics([run.id], 0)[0] as MetricsBatch).rows.length).toBeGreaterThan(0);
    restarted.detach();
  }, 300_000);
});
