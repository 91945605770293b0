/**
 * One interpreter (#15 item 5): the Python the studio trains with (`studio.python()`, the run
 * settings' override, else the user's choice, else .venv) is also the one the environment check,
 * the config schema and the tiny model ask. Before, those handlers called `trainingPython()` and
 * described a different Python from the one a run starts.
 *
 * The override here is a small script that records each call and then fails, so every command
 * that reaches it leaves a line in its log and names it in its error.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRouter, type Router } from '../../app/rpc/router';
import { createHandlers } from '../../app/studio/create-handlers';
import { Studio } from '../../app/studio/studio';
import { tempDir } from '../fixtures/temp-dirs';
import { routerCalls } from '../fixtures/router-calls';

let studio: Studio;
let router: Router;
let python: string;
let callLog: string;
const savedHome = process.env.REWARD_STUDIO_HOME;
const { call, failure } = routerCalls(() => router);

beforeEach(() => {
  process.env.REWARD_STUDIO_HOME = join(tempDir(), 'home');
  ({ python, callLog } = recordingPython('studio-python'));
  studio = new Studio({ kind: 'browser' }, { python: () => python });
  router = createRouter(createHandlers(studio));
  studio.createProject(join(tempDir(), 'project'), 'Interpreter');
});

/** An executable that appends its arguments to a log (one line a call), then fails like a broken interpreter. */
function recordingPython(name: string): { python: string; callLog: string } {
  const dir = tempDir();
  const log = join(dir, 'calls.log');
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\necho "$*" | tr '\\n' ' ' >> '${log}'\necho >> '${log}'\necho "${name}: not a real interpreter" >&2\nexit 3\n`);
  chmodSync(file, 0o755);
  return { python: file, callLog: log };
}

/** The person's settings name another Python; the studio's run settings override it, for everything. */
async function chooseAnotherPythonInSettings(): Promise<void> {
  await call('environment.updateSettings', { pythonPath: recordingPython('settings-python').python });
}

afterEach(() => {
  studio.close();
  if (savedHome === undefined) delete process.env.REWARD_STUDIO_HOME;
  else process.env.REWARD_STUDIO_HOME = savedHome;
});

function calls(): string[] {
  return existsSync(callLog) ? readFileSync(callLog, 'utf8').split('\n').map((line) => line.trim()).filter(Boolean) : [];
}

describe("the studio's Python interpreter", () => {
  beforeEach(chooseAnotherPythonInSettings);

  it('is the one the environment check describes', async () => {
    expect(studio.python()).toBe(python);
    const environment = await call('environment.training', { refresh: true });
    expect(environment.python).toBeNull();
    expect(environment.problems.join('\n')).toContain(python);
    expect(calls()).toHaveLength(1);
    expect(calls()[0]).toMatch(/^-c /);
  });

  it('is the one the config schema is read from', async () => {
    expect(await failure('runs.configSchema', {})).toContain(python);
    expect(calls()).toEqual(['-m reward_studio describe-config']);
  });

  it('is the one a run starts with', async () => {
    expect(await failure('runs.start', { name: 'one-python', config: {}, splits: { train: ['train'] } })).toContain(python);
    expect(calls()).toEqual(['-m reward_studio describe-config']);
  });

  it('is the one the tiny model is made with', async () => {
    expect(await failure('environment.tinyModel', {})).toContain(python);
    expect(calls()).toHaveLength(1);
    expect(calls()[0]).toMatch(/^-m reward_studio tiny-model /);
  });
});
