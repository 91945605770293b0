/**
 * Issue #13: a fuzz pass over every contract command's input, through the real router and
 * handler table on a real temporary project. Property: every call answers with an envelope —
 * a result, or a StudioError shape ({code, message, hint?}) whose code is not `internal` (an
 * `internal` answer is a TypeError or other uncaught exception that the router had to wrap).
 * Fixed seed, bounded runs: part of `npm run test:unit`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandNames, commands, type CommandName } from '../../app/contract';
import { createRouter, type Envelope, type Router } from '../../app/rpc/router';
import { createHandlers, createMemberHandlers } from '../../app/studio/create-handlers';
import { Studio } from '../../app/studio/studio';

const SEED = 20261203;
/** Per command; ~45 commands × this stays under ~20 s on two cores. */
const RUNS_PER_COMMAND = 200;
/** Each fuzz test takes a few seconds here; generous for a loaded 2-core machine. */
const TIMEOUT_MS = 60_000;

/**
 * Commands whose handlers start long-running work, spawn Python, or write to paths a fuzzer would
 * choose; only their input validation (the zod schema) is fuzzed here.
 */
const SCHEMA_ONLY: Partial<Record<CommandName, string>> = {
  'projects.open': 'opens an arbitrary (maybe relative) folder (fuzzed below with `dir` held in the temp folder)',
  'projects.create': 'creates a folder at an arbitrary path (fuzzed below with `dir` held in the temp folder)',
  'projects.openSample': 'renders the sample project (seconds of image work per call)',
  'environment.training': 'spawns the Python interpreter to probe torch/CUDA',
  'environment.setupTraining': 'creates a virtualenv and pip-installs the worker',
  'environment.tinyModel': 'builds the tiny Qwen2-VL with the Python worker',
  'runs.configSchema': 'spawns the Python worker (describe-config)',
  'runs.estimate': 'spawns the Python worker (describe-config) before estimating',
  'runs.start': 'starts training',
  'evaluations.start': 'starts an evaluation run (Python scorer)',
  'scoring.score': 'loads a model',
  'serving.start': 'loads a model and listens on a port',
  'models.export': 'merges/exports a model with the Python worker',
  'dataset.export': 'writes a file at an arbitrary path (fuzzed below with `out` held inside the project)',
};

let root: string;
let studio: Studio;
let router: Router;
let jsonlFile: string;
const savedHome = process.env.REWARD_STUDIO_HOME;

function validExamples(): Partial<Record<CommandName, Record<string, unknown>>> {
  return {
    'projects.current': {},
    'projects.recent': {},
    'items.list': { status: 'all', offset: 0, limit: 10, order: 'queue', annotator: 'ana', judged: 'not-by-me', split: 'train', search: 'q' },
    'items.get': { id: 'p1', annotator: 'ana' },
    'items.setFlag': { ids: ['p1', 'p2'], flagged: true, actionId: 'action-0001' },
    'items.setNote': { id: 'p2', note: 'a note', actionId: 'action-0002' },
    'items.setSplit': { ids: ['p3'], split: 'val' },
    'items.delete': { ids: ['does-not-exist'] },
    'judgments.save': { itemId: 'r1', annotator: 'ana', ranking: [1, 0, 2], decision: 'ranked', strength: 'clearly', timeMs: 10, shownOrder: [2, 0, 1] },
    'judgments.undo': { annotator: 'ana' },
    'judgments.delete': { itemId: 'p1', annotator: 'ana' },
    'judgments.agreement': { split: 'train' },
    'judgments.conflicts': { split: 'train', includeAdjudicated: true, offset: 0, limit: 10 },
    'judgments.adjudicate': { itemId: 'p2', ranking: [1, 0], annotator: 'adj', note: 'final' },
    'dataset.import': { file: jsonlFile, split: 'train', format: 'auto', annotator: 'importer' },
    'dataset.preview': { file: jsonlFile, format: 'seed' },
    'dataset.imports': {},
    // Only aborts the import in progress (none while fuzzing).
    'dataset.cancelImport': {},
    'dataset.resplit': { train: 0.8, val: 0.1, test: 0.1, seed: 'fuzz' },
    'runs.list': {},
    'runs.get': { id: 1 },
    'runs.presets': {},
    'runs.stop': { id: 1 },
    'runs.delete': { id: 1, confirm: true },
    'runs.metrics': { ids: [1, 2], afterId: 0, tags: ['train/loss'] },
    'runs.log': { id: 1, lines: 10 },
    'checkpoints.list': { runId: 1 },
    'environment.settings': {},
    'environment.updateSettings': { annotator: 'ana' },
    'environment.info': {},
    'environment.pickPath': { kind: 'open-file', title: 'Pick' },
    'environment.checkModel': { path: root },
    'evaluations.list': { checkpointId: 1 },
    'evaluations.get': { id: 1 },
    'evaluations.cancel': { id: 1 },
    'evaluations.delete': { id: 1, confirm: true },
    'evaluations.compare': { a: 1, b: 2 },
    'evaluations.compareItems': { a: 1, b: 2, filter: 'disagree', split: 'train', agreement: 'single', offset: 0, limit: 10 },
    'evaluations.itemScores': { itemId: 'p1', evaluationIds: [1] },
    'serving.stop': {},
    'serving.status': {},
    'models.exports': {},
    'models.deleteExport': { id: 'no-such-export', confirm: true },
    'team.me': {},
    'team.members': {},
    'team.invite': { name: 'fuzzed person', role: 'annotator', expiresInHours: 2 },
    'team.revoke': { memberId: 1 },
    'team.plan': {},
    'team.setPlan': { overlap: 2, split: 'train', leaseMinutes: 10, batch: 3, goldRate: 0.1 },
    'team.guidelines': {},
    'team.guidelinesHistory': {},
    'team.setGuidelines': { markdown: '# Be careful' },
    'team.acceptGuidelines': { version: 1 },
    'team.gold': {},
    'team.setGold': { itemId: 'p1', ranking: [0, 1] },
    'team.clearGold': { itemId: 'p1' },
    'team.progress': {},
    'team.myProgress': {},
  };
}

/** Values a hostile or buggy client could send: JSON (WebSocket) and structured-clone shapes (IPC). */
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.anything({ maxDepth: 3, withBoxedValues: true, withMap: true, withSet: true, withDate: true, withNullPrototype: true, withSparseArray: true, withTypedArray: true, withBigInt: true }),
  fc.constantFrom(-1, 0, 1, 2, 1.5, -0, NaN, Infinity, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, '', ' ', '\u0000', '../..', '/', '.', [], {}, [0], [0, 0], null, true),
);

/** A valid example with one to three keys replaced, removed or added. */
function mutationsOf(example: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(example);
  const key = keys.length > 0 ? fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })) : fc.string({ maxLength: 8 });
  const edit = fc.record({ key, value: anyValue, remove: fc.boolean() });
  return fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) => {
    const copy: Record<string, unknown> = { ...example };
    for (const { key: k, value, remove } of edits) {
      if (remove) delete copy[k];
      else copy[k] = value;
    }
    return copy;
  });
}

function inputsFor(example: Record<string, unknown> | undefined): fc.Arbitrary<unknown> {
  const free = fc.oneof(anyValue, fc.dictionary(fc.string({ maxLength: 10 }), anyValue, { maxKeys: 5 }));
  return example === undefined ? free : fc.oneof({ arbitrary: free, weight: 1 }, { arbitrary: mutationsOf(example), weight: 3 }, { arbitrary: fc.constant(example), weight: 1 });
}

function expectStudioEnvelope(name: unknown, input: unknown, envelope: Envelope): void {
  if (envelope.ok) return;
  const { error } = envelope;
  const label = safeDescribe(name);
  expect(typeof error.code, `${label} error code`).toBe('string');
  expect(typeof error.message, `${label} error message`).toBe('string');
  if (error.hint !== undefined) expect(typeof error.hint).toBe('string');
  if (error.code === 'internal') {
    throw new Error(`${label} crashed on ${safeDescribe(input)}: ${error.message}`);
  }
}

function safeDescribe(value: unknown): string {
  try {
    return fc.stringify(value).slice(0, 500);
  } catch {
    return String(value);
  }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'rs-fuzz-contract-'));
  process.env.REWARD_STUDIO_HOME = join(root, 'home');
  // No real interpreter: anything that slipped past SCHEMA_ONLY fails fast instead of starting Python.
  studio = new Studio({ kind: 'browser' }, { python: () => join(root, 'no-python') });
  const handlers = createHandlers(studio);
  router = createRouter(handlers, createMemberHandlers(studio, handlers));
  studio.createProject(join(root, 'project'), 'Fuzz');
  jsonlFile = join(root, 'items.jsonl');
  writeFileSync(
    jsonlFile,
    [
      { id: 'p1', query: 'q1', response: ['a', 'b'] },
      { id: 'p2', query: 'q2', response: ['a', 'b'], human_ranking: [1, 0] },
      { id: 'p3', query: 'q3', response: ['a', 'b'] },
      { id: 'r1', query: 'q4', response: ['a', 'b', 'c'] },
    ]
      .map((row) => JSON.stringify(row))
      .join('\n') + '\n',
  );
  const imported = await router.invoke('dataset.import', { file: jsonlFile, split: 'train' });
  expect(imported.ok).toBe(true);
  mkdirSync(join(root, 'project', 'exports-fuzz'), { recursive: true });
});

afterAll(() => {
  studio?.close();
  if (savedHome === undefined) delete process.env.REWARD_STUDIO_HOME;
  else process.env.REWARD_STUDIO_HOME = savedHome;
  rmSync(root, { recursive: true, force: true });
});

describe('fuzzing every contract command through the router', () => {
  it('classifies every command: fuzzed through its handler, or schema-only with a reason', () => {
    const examples = validExamples();
    const unclassified = commandNames.filter((name) => examples[name] === undefined && SCHEMA_ONLY[name] === undefined);
    expect(unclassified).toEqual([]);
    const both = commandNames.filter((name) => examples[name] !== undefined && SCHEMA_ONLY[name] !== undefined);
    expect(both).toEqual([]);
  });

  it('answers every input to every runnable command with a result or a StudioError', async () => {
    const examples = validExamples();
    const reached: Record<string, Record<string, number>> = {};
    const runnable = commandNames.filter((name) => SCHEMA_ONLY[name] === undefined);
    for (const name of runnable) {
      await fc.assert(
        fc.asyncProperty(inputsFor(examples[name]), async (input) => {
          const envelope = await router.invoke(name, input);
          expectStudioEnvelope(name, input, envelope);
          const outcome = envelope.ok ? 'ok' : envelope.error.code;
          reached[name] ??= {};
          reached[name][outcome] = (reached[name][outcome] ?? 0) + 1;
        }),
        { seed: SEED, numRuns: RUNS_PER_COMMAND },
      );
    }
    if (process.env.FUZZ_STATS) console.log(JSON.stringify(reached));
    // The project is still usable afterwards.
    const current = await router.invoke('projects.current', {});
    expect(current.ok).toBe(true);
  }, TIMEOUT_MS);

  it('answers every input to every runnable command from a team member (scoped handlers included) with a result or a StudioError', async () => {
    const examples = validExamples();
    const invited = await router.invoke('team.invite', { name: 'fuzz-member', role: 'annotator' });
    expect(invited.ok).toBe(true);
    const member = invited.ok ? (invited.result as { member: { id: number; name: string } }).member : { id: 0, name: '' };
    for (const role of ['annotator', 'reviewer'] as const) {
      const caller = { role, member: { id: member.id, name: member.name, role, projectDir: studio.projectDir as string } };
      for (const name of commandNames.filter((command) => SCHEMA_ONLY[command] === undefined)) {
        await fc.assert(
          fc.asyncProperty(inputsFor(examples[name]), async (input) => {
            expectStudioEnvelope(name, input, await router.invoke(name, input, caller));
          }),
          { seed: SEED, numRuns: Math.ceil(RUNS_PER_COMMAND / 4) },
        );
      }
    }
  }, TIMEOUT_MS);

  it('only validates the input of long-running commands, without throwing', () => {
    for (const name of Object.keys(SCHEMA_ONLY) as CommandName[]) {
      fc.assert(
        fc.property(inputsFor(undefined), (input) => {
          const parsed = commands[name].input.safeParse(input ?? {});
          expect(typeof parsed.success).toBe('boolean');
        }),
        { seed: SEED, numRuns: RUNS_PER_COMMAND * 2 },
      );
    }
  }, TIMEOUT_MS);

  it('exports with fuzzed options, the output held inside the project', async () => {
    const out = fc.constantFrom('exports-fuzz/a.jsonl', 'exports-fuzz/b.parquet', 'exports-fuzz/c.json');
    const options = fc.record(
      { out, overwrite: anyValue, format: fc.oneof(fc.constantFrom('seed', 'trl', 'llamafactory', 'ms-swift', 'parquet'), anyValue), split: anyValue, images: anyValue, includeUnlabeled: anyValue },
      { requiredKeys: ['out'] },
    );
    await fc.assert(
      fc.asyncProperty(options, async (input) => {
        expectStudioEnvelope('dataset.export', input, await router.invoke('dataset.export', input));
      }),
      { seed: SEED, numRuns: RUNS_PER_COMMAND },
    );
  }, TIMEOUT_MS);

  it('opens and creates projects with fuzzed inputs, the folder held in the temp folder', async () => {
    const dir = fc.constantFrom('project', 'other', 'items.jsonl', 'missing/deep', 'home', 'project/media');
    const input = fc.tuple(fc.constantFrom('projects.open', 'projects.create'), dir, fc.option(anyValue, { nil: undefined }), fc.boolean());
    await fc.assert(
      fc.asyncProperty(input, async ([name, folder, projectName, withName]) => {
        const args = withName ? { dir: join(root, folder), name: projectName } : { dir: join(root, folder) };
        expectStudioEnvelope(name, args, await router.invoke(name, args));
      }),
      { seed: SEED, numRuns: RUNS_PER_COMMAND / 2 },
    );
    const back = await router.invoke('projects.open', { dir: join(root, 'project') });
    expect(back.ok).toBe(true);
  }, TIMEOUT_MS);

  it('answers unknown command names and odd inputs with not_found', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 30 }), anyValue), anyValue, async (name, input) => {
        fc.pre(!commandNames.includes(name as CommandName));
        const envelope = await router.invoke(name, input);
        expect(envelope.ok).toBe(false);
        expectStudioEnvelope(name, input, envelope);
      }),
      { seed: SEED, numRuns: RUNS_PER_COMMAND * 2 },
    );
  }, TIMEOUT_MS);
});
