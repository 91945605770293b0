/**
 * The runs/checkpoints/environment commands through the real router and handler table (what both
 * transports mount), with the real worker: the Studio owns one run manager per open project, and
 * switching projects stops following a run — never the run itself.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter, type Router } from '../../app/rpc/router';
import { createHandlers } from '../../app/studio/create-handlers';
import { Studio } from '../../app/studio/studio';
import { isProcessAlive } from '../../app/runs/worker-process';
import { fileTempDir, makeLabeledProject, makeTinyModel, PYTHON, recordEvents, waitFor } from './training-fixtures';
import { routerCalls } from '../fixtures/router-calls';

const temp = fileTempDir('rs-train-handlers-');
const savedHome = process.env.REWARD_STUDIO_HOME;
let studio: Studio;
let router: Router;
let projectDir: string;

const { call } = routerCalls(() => router);

beforeAll(async () => {
  process.env.REWARD_STUDIO_HOME = path.join(temp.dir, 'home');
  const tinyDir = makeTinyModel(path.join(temp.dir, 'tiny'));
  const store = await makeLabeledProject(temp.dir, 24);
  projectDir = store.dir;
  store.close();
  studio = new Studio({ kind: 'browser' }, { python: () => PYTHON, tinyModelDir: tinyDir, workerEnv: { REWARD_STUDIO_STEP_DELAY: '0.4' } });
  router = createRouter(createHandlers(studio));
  studio.openProject(projectDir);
}, 300_000);

afterAll(() => {
  studio?.close();
  if (savedHome === undefined) delete process.env.REWARD_STUDIO_HOME;
  else process.env.REWARD_STUDIO_HOME = savedHome;
  temp.remove();
});

describe('run commands through the router', () => {
  it('presets, schema and estimate; a run survives a project switch and is picked up again', async () => {
    const recorder = recordEvents(studio.events);
    const presets = await call('runs.presets', {});
    const tiny = presets.find((preset) => preset.id === 'tiny-cpu-demo');
    expect(tiny?.config.base_model_name).toBe('@tiny');
    const schema = await call('runs.configSchema', {});
    expect(schema.find((field) => field.name === 'batch_size')).toMatchObject({ type: 'integer', default: 8 });

    const config = { ...tiny?.config, num_epochs: 2, batch_size: 4 };
    const splits = { train: ['train' as const], val: ['val' as const] };
    const estimate = await call('runs.estimate', { config, splits });
    expect(estimate.stepsPerEpoch).toBe(Math.ceil(estimate.trainItems / 4));
    expect(estimate.totalSteps).toBe(2 * estimate.stepsPerEpoch);
    // Nothing has trained here yet: no time is claimed.
    expect(estimate.time).toEqual({ basis: 'unmeasured', seconds: null, fromRun: null });

    const run = await call('runs.start', { name: 'via-router', presetId: 'tiny-cpu-demo', config, splits, gpus: [] });
    expect(run.totalSteps).toBe(estimate.totalSteps);
    await waitFor('training rows', () => recorder.of('runs.onMetrics').some((batch) => batch.runId === run.id && batch.rows.length > 0), 180_000);
    const pid = (await call('runs.get', { id: run.id })).pid as number;

    // Another project: the run keeps training, unobserved.
    studio.createProject(path.join(temp.dir, 'other'), 'Other');
    expect(await call('runs.list', {})).toEqual([]);
    expect(isProcessAlive(pid)).toBe(true);

    // Back again: reattached (or already finished while away), and it ends as finished.
    studio.openProject(projectDir);
    const finished = await waitForCommand(run.id);
    expect(finished.status, JSON.stringify(finished.error)).toBe('finished');
    const checkpoints = await call('checkpoints.list', { runId: run.id });
    expect(checkpoints.length).toBeGreaterThan(0);
    expect((await call('checkpoints.list', {})).length).toBe(checkpoints.length);
    const [metrics] = await call('runs.metrics', { ids: [run.id], afterId: 0, tags: ['loss'] });
    expect(metrics?.rows.length).toBe(estimate.totalSteps);
    expect((await call('runs.log', { id: run.id, lines: 20 })).lines.length).toBeGreaterThan(0);
    const detail = await call('runs.get', { id: run.id });
    expect(detail.presetId).toBe('tiny-cpu-demo');
    expect(detail.splits).toEqual({ train: ['train'], val: ['val'] });
    expect(detail.checkpoints).toEqual(checkpoints);

    // The finished run is this machine's measured pace for the next estimate (steps are slowed to
    // at least 0.4 s here); twice the batch is twice the items per step.
    const measured = await call('runs.estimate', { config, splits });
    expect(measured.time.basis).toBe('measured');
    expect(measured.time.fromRun?.name).toBe('via-router');
    expect(measured.time.fromRun?.secondsPerStep).toBeGreaterThanOrEqual(0.4);
    const startedMs = Date.parse(detail.startedAt ?? '');
    const tookSeconds = (Date.parse(detail.finishedAt ?? '') - startedMs) / 1000;
    // Same config as the measured run: the estimate is that run's own time, within rounding.
    expect(Math.abs((measured.time.seconds ?? 0) - tookSeconds)).toBeLessThanOrEqual(2);
    const doubled = await call('runs.estimate', { config: { ...config, batch_size: 8 }, splits });
    expect(doubled.time.fromRun?.secondsPerStep).toBeCloseTo(2 * (measured.time.fromRun?.secondsPerStep ?? 0), 6);
    const otherDevice = await call('runs.estimate', { config, splits, gpus: [0] });
    expect(otherDevice.time.basis).toBe('unmeasured');

    const refused = await router.invoke('runs.delete', { id: run.id });
    expect(refused.ok).toBe(false);
    expect(await call('runs.delete', { id: run.id, confirm: true })).toEqual({ deleted: 1 });
    expect(await call('runs.list', {})).toEqual([]);
  }, 480_000);

  it('environment: the interpreter probe, the model check, and a clear error for a bad folder', async () => {
    const environment = await call('environment.training', { refresh: false });
    expect(environment.python?.path).toBe(PYTHON);
    const check = await call('environment.checkModel', { path: path.join(temp.dir, 'tiny') });
    expect(check).toMatchObject({ ok: true, modelType: 'qwen2_vl', vision: true, isTinyTestModel: true, hiddenSize: 64, layers: 2 });
    const bad = await call('environment.checkModel', { path: temp.dir });
    expect(bad.ok).toBe(false);
    expect(bad.problems[0]).toContain('no config.json');
  }, 120_000);

  async function waitForCommand(id: number) {
    const deadline = Date.now() + 240_000;
    for (;;) {
      const summary = await call('runs.get', { id });
      if (['finished', 'failed', 'stopped'].includes(summary.status)) return summary;
      if (Date.now() > deadline) throw new Error(`run ${id} did not end: ${JSON.stringify(summary)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
});
