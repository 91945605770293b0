/**
 * Shared pieces of the training tests: the tiny model (made once per test file with the real
 * worker), a labeled project from the studio's own sample generator, an event recorder, and a
 * patient wait (the machine is shared: poll with generous timeouts, never sleep a fixed time).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EventName, EventPayload } from '../../app/contract';
import { importDataset } from '../../app/dataset/import-dataset';
import { EventBus } from '../../app/rpc/event-bus';
import { generateSampleData } from '../../app/sample/generate-sample-data';
import { ProjectStore } from '../../app/store/project-store';
import { venvPython, WORKERS_DIR } from '../../app/environment/python-interpreter';
import { afterAll, beforeAll } from 'vitest';

export const PYTHON = venvPython();

/** A folder that outlives single tests (the tiny model is shared by a file's tests). */
export function fileTempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function makeTinyModel(out: string): string {
  const result = spawnSync(PYTHON, ['-m', 'reward_studio', 'tiny-model', out], { cwd: WORKERS_DIR, encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0) throw new Error(`tiny-model failed (${result.status}): ${result.stderr}`);
  return out;
}

/** A project whose items are all labeled: `items` sample items, a quarter of them in val. */
export async function makeLabeledProject(dir: string, items: number): Promise<ProjectStore> {
  const data = await generateSampleData(path.join(dir, 'data'), { items, seed: 7, valRatio: 0.25 });
  const store = ProjectStore.create(path.join(dir, 'project'), { name: 'Training test' });
  await importDataset(store, data.trainFile, { split: 'train' });
  await importDataset(store, data.valFile, { split: 'val' });
  return store;
}

export interface RecordedEvent {
  name: EventName;
  payload: unknown;
  at: number;
}

export function recordEvents(bus: EventBus): { events: RecordedEvent[]; of<K extends EventName>(name: K): EventPayload<K>[] } {
  const events: RecordedEvent[] = [];
  bus.listen((name, payload) => events.push({ name, payload, at: Date.now() }));
  return {
    events,
    of: <K extends EventName>(name: K) => events.filter((event) => event.name === name).map((event) => event.payload as EventPayload<K>),
  };
}

export async function waitFor<T>(what: string, probe: () => T | null | undefined | false, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Small, fast settings for the tiny model: two epochs of batch 4. */
export const TINY_CONFIG = {
  base_model_name: '@tiny',
  batch_size: 4,
  num_epochs: 2,
  learning_rate: 3e-4,
  max_length: 512,
  save_total_limit: 2,
  early_stopping_patience: 0,
} as const;

export function newBus(): EventBus {
  return new EventBus();
}

/** Run statuses after which a worker is gone. */
export const ENDED_STATUSES: ReadonlySet<string> = new Set(['finished', 'stopped', 'failed']);

export interface TrainingProject {
  tinyDir: string;
  store: ProjectStore;
}

/**
 * One test file's setup: the tiny model and a labeled 32-item project in a temp folder, made
 * before the file's tests (the fields are filled then) and removed after them.
 */
export function useTrainingProject(prefix: string): TrainingProject {
  const temp = fileTempDir(prefix);
  const setup = {} as TrainingProject;
  beforeAll(async () => {
    setup.tinyDir = makeTinyModel(path.join(temp.dir, 'tiny'));
    setup.store = await makeLabeledProject(temp.dir, 32);
  }, 300_000);
  afterAll(() => {
    setup.store?.close();
    temp.remove();
  });
  return setup;
}
