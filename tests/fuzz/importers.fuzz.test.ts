/**
 * Issue #13: a fuzz pass over the dataset importers. For every reader in app/dataset/formats/
 * (forced by name, and through detection with `auto`), random bytes, random JSON values and rows
 * with the format's own keys holding wrong types go through the real import path (`dataset.import`
 * through the router) into a real temporary project. Property: the import answers with a report
 * (its per-row errors) or a StudioError — never an `internal` error (an uncaught TypeError) — and
 * the project database stays openable and intact. Fixed seed, bounded runs.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatNames } from '../../app/dataset/formats';
import type { ImportReport } from '../../app/dataset/types';
import { createRouter, type Envelope, type Router } from '../../app/rpc/router';
import { createHandlers } from '../../app/studio/create-handlers';
import { Studio } from '../../app/studio/studio';
import { ProjectStore } from '../../app/store/project-store';

const SEED = 20261203;
/** Per reader and per kind of file; 13 readers (+ auto) keep the file under ~20 s on two cores. */
const RUNS = 80;
/** Each fuzz test takes a few seconds here; generous for a loaded 2-core machine. */
const TIMEOUT_MS = 60_000;

/** One valid row per reader (FORMATS.md's examples), mutated by the fuzzer. */
const EXAMPLES: Record<string, Record<string, unknown>> = {
  seed: { id: 'cat-1', query: 'What colour is the cat?', response: ['Black.', 'White.'], human_ranking: [0, 1] },
  trl: {
    prompt: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'What colour is the sky?' }],
    chosen: [{ role: 'assistant', content: 'Blue.' }],
    rejected: [{ role: 'assistant', content: 'Green.' }],
    margin: 1.5,
  },
  'hh-rlhf': {
    chosen: '\n\nHuman: Is a tomato a fruit?\n\nAssistant: Botanically yes.',
    rejected: '\n\nHuman: Is a tomato a fruit?\n\nAssistant: No.',
  },
  'llamafactory-alpaca': { instruction: 'Translate.', input: 'Bonjour', chosen: 'Hello', rejected: 'Goodbye', system: 'You translate.', history: [['Hi', 'Hello!']] },
  'llamafactory-sharegpt': {
    conversations: [{ from: 'system', value: 'One word.' }, { from: 'human', value: 'Which planet is red? <image>' }],
    chosen: { from: 'gpt', value: 'Mars.' },
    rejected: { from: 'gpt', value: 'Venus.' },
    images: ['planets/mars.png'],
    tools: '',
  },
  'llamafactory-v1': {
    chosen_messages: [
      { role: 'user', content: [{ type: 'text', value: 'What time is it?' }], loss_weight: 0.0 },
      { role: 'assistant', content: [{ type: 'text', value: 'Ten past four.' }], loss_weight: 1.0 },
    ],
    rejected_messages: [
      { role: 'user', content: [{ type: 'text', value: 'What time is it?' }], loss_weight: 0.0 },
      { role: 'assistant', content: [{ type: 'text', value: 'Noon.' }], loss_weight: 1.0 },
    ],
  },
  'ms-swift': {
    messages: [{ role: 'system', content: 'Market assistant.' }, { role: 'user', content: 'How is ACME?' }, { role: 'assistant', content: '12.50.' }],
    rejected_response: 'No idea.',
    tools: '[]',
  },
  llava: {
    id: 'fruit_0042',
    conversations: [{ from: 'human', value: 'Describe the bowl.' }, { from: 'gpt', value: 'Three apples.' }],
    rejected_conversations: [{ from: 'human', value: 'Describe the bowl.' }, { from: 'gpt', value: 'A banana.' }],
  },
  'rlaif-v': { ds_name: 'RLAIF-V', image: { bytes: null, path: 'imgs/none.jpg' }, question: 'How many?', chosen: 'Two.', rejected: 'Four.', idx: 17 },
  unpaired: { prompt: 'Name a grey cat.', completion: 'Pebble.', label: true },
  'label-studio': {
    id: 512,
    data: { prompt: 'A tip for sleeping well.', answer1: 'Same bedtime.', answer2: 'Sleep is good.' },
    annotations: [{ completed_by: 3, was_cancelled: false, result: [{ type: 'pairwise', from_name: 'pick', to_name: 'pick', value: { selected: 'left' } }] }],
  },
  argilla: {
    id: 'tip-4',
    fields: { prompt: 'Keep basil alive?', 'response-1': 'Water it.', 'response-2': 'It dies.' },
    responses: [{ user_id: 'u1', status: 'submitted', values: { preference: { value: [{ value: 'response-1', rank: 1 }, { value: 'response-2', rank: 2 }] } } }],
    status: 'completed',
  },
  mapped: { question: 'Which colour?', good: 'Red.', bad: 'Blue.' },
};

/** The `mapped` reader needs a mapping; fuzzed columns too (a bad one must be refused as invalid_input). */
const MAPPING = { prompt: 'question', responses: ['good', 'bad'] };

const wrongValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, 0, -1, 1e308, true, '', '<image>', '../../../../etc/hostname', [], {}, [null], [[]], [{}], { bytes: 'AAAA' }, { path: 5 }),
);

/** A valid example with some of its keys (and keys of nested objects) replaced, removed or added. */
function mutated(example: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(example);
  const edit = fc.record({ key: fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 6 })), value: wrongValue, remove: fc.boolean(), deep: fc.boolean() });
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    const copy: Record<string, unknown> = structuredClone(example);
    for (const { key, value, remove, deep } of edits) {
      const target = copy[key];
      if (deep && target !== null && typeof target === 'object') {
        // One level down: an element of a list or a key of an object.
        const inner = target as Record<string, unknown>;
        const innerKeys = Object.keys(inner);
        const innerKey = innerKeys[JSON.stringify(value).length % Math.max(1, innerKeys.length)] ?? '0';
        inner[innerKey] = value;
      } else if (remove) {
        delete copy[key];
      } else {
        copy[key] = value;
      }
    }
    return copy;
  });
}

/** Rows for a reader: its example, its mutations, objects with its keys holding random values, any JSON. */
function rowsFor(format: string): fc.Arbitrary<unknown[]> {
  const example = EXAMPLES[format] ?? {};
  const keys = Object.keys(example);
  const row = fc.oneof(
    { arbitrary: mutated(example), weight: 4 },
    { arbitrary: fc.record(Object.fromEntries(keys.map((k) => [k, wrongValue])), { requiredKeys: [] }), weight: 2 },
    { arbitrary: fc.constant(example), weight: 1 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 1 },
  );
  return fc.array(row, { minLength: 0, maxLength: 8 });
}

/** How the rows are written: JSON Lines (maybe with a broken line), a JSON array, gzip, or a single object. */
const container = fc.constantFrom('jsonl', 'jsonl-broken', 'array', 'gzip', 'single');

function encode(rows: unknown[], kind: string): Buffer {
  const lines = rows.map((r) => JSON.stringify(r));
  switch (kind) {
    case 'jsonl-broken':
      return Buffer.from([...lines, '{"id": "broken', ...lines].join('\n') + '\n');
    case 'array':
      return Buffer.from(JSON.stringify(rows));
    case 'gzip':
      return gzipSync(Buffer.from(lines.join('\n') + '\n'));
    case 'single':
      return Buffer.from(JSON.stringify(rows[0] ?? {}, null, 2));
    default:
      return Buffer.from(lines.join('\n') + '\n');
  }
}

/** Random bytes, alone or behind a container's magic (Parquet, gzip, zstd, a JSON array). */
const randomBytes = fc
  .tuple(fc.constantFrom('', 'PAR1', '\x1f\x8b', '\x28\xb5\x2f\xfd', '[', '{', '\ufeff'), fc.uint8Array({ maxLength: 512 }), fc.boolean())
  .map(([prefix, bytes, parquetTail]) => Buffer.concat([Buffer.from(prefix, 'latin1'), Buffer.from(bytes), Buffer.from(parquetTail && prefix === 'PAR1' ? 'PAR1' : '', 'latin1')]));

let root: string;
let projectDir: string;
let studio: Studio;
let router: Router;
let fileCounter = 0;
const savedHome = process.env.REWARD_STUDIO_HOME;

function writeInput(bytes: Buffer): string {
  const dir = join(root, 'in');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `f${fileCounter++}.jsonl`);
  writeFileSync(file, bytes);
  return file;
}

/** Outcomes per test, printed with FUZZ_STATS=1 (to see the fuzzer reaches the readers, not only the container checks). */
const outcomes: Record<string, Record<string, number>> = {};
let current = '';

function count(outcome: string): void {
  const counts = (outcomes[current] ??= {});
  counts[outcome] = (counts[outcome] ?? 0) + 1;
}

function expectReportOrStudioError(label: string, envelope: Envelope): void {
  if (envelope.ok) {
    const { added, errorCount } = envelope.result as ImportReport;
    count(added > 0 && errorCount > 0 ? 'rows+errors' : added > 0 ? 'rows' : errorCount > 0 ? 'errors' : 'empty');
  } else {
    count(envelope.error.code);
  }
  if (envelope.ok) {
    const report = envelope.result as ImportReport;
    expect(typeof report.rowsRead).toBe('number');
    expect(Array.isArray(report.errors)).toBe(true);
    return;
  }
  expect(typeof envelope.error.message).toBe('string');
  if (envelope.error.code === 'internal') throw new Error(`${label}: ${envelope.error.message}`);
}

function databaseIsIntact(): void {
  const db = studio.project().db;
  expect(db.prepare('PRAGMA quick_check').pluck().get()).toBe('ok');
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'rs-fuzz-import-'));
  process.env.REWARD_STUDIO_HOME = join(root, 'home');
  studio = new Studio({ kind: 'browser' }, { python: () => join(root, 'no-python') });
  router = createRouter(createHandlers(studio));
  projectDir = join(root, 'project');
  studio.createProject(projectDir, 'Import fuzz');
});

afterAll(() => {
  if (process.env.FUZZ_STATS) console.log(JSON.stringify(outcomes));
  studio?.close();
  if (savedHome === undefined) delete process.env.REWARD_STUDIO_HOME;
  else process.env.REWARD_STUDIO_HOME = savedHome;
  rmSync(root, { recursive: true, force: true });
});

describe('fuzzing the importers through dataset.import', () => {
  it('has an example row for every reader', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual([...formatNames()].sort());
  });

  for (const format of [...formatNames(), 'auto']) {
    it(`${format}: rows with wrong types end in per-row errors or a StudioError`, async () => {
      current = format;
      const source = format === 'auto' ? fc.constantFrom(...formatNames()) : fc.constant(format);
      const mapping = fc.oneof(fc.constant(MAPPING), fc.record({ prompt: fc.string({ maxLength: 6 }), responses: fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }) }, { requiredKeys: [] }));
      const input = source.chain((reader) => fc.tuple(fc.constant(reader), rowsFor(reader), container, mapping));
      await fc.assert(
        fc.asyncProperty(input, async ([reader, rows, kind, map]) => {
          const file = writeInput(encode(rows, kind));
          const args: Record<string, unknown> = { file, format, split: 'train' };
          if (format === 'mapped') args.mapping = map;
          expectReportOrStudioError(`${format} (${reader} rows, ${kind}) ${JSON.stringify(rows).slice(0, 400)}`, await router.invoke('dataset.import', args));
        }),
        { seed: SEED, numRuns: RUNS },
      );
      databaseIsIntact();
    }, TIMEOUT_MS);
  }

  it('random bytes (behind any container magic) end in a StudioError or an empty report, for every reader', async () => {
    current = 'bytes';
    const input = fc.tuple(fc.constantFrom('auto', ...formatNames()), randomBytes);
    await fc.assert(
      fc.asyncProperty(input, async ([format, bytes]) => {
        const file = writeInput(bytes);
        const args: Record<string, unknown> = { file, format };
        if (format === 'mapped') args.mapping = MAPPING;
        expectReportOrStudioError(`${format} on bytes ${bytes.toString('hex').slice(0, 200)}`, await router.invoke('dataset.import', args));
      }),
      { seed: SEED, numRuns: RUNS * 4 },
    );
    databaseIsIntact();
  }, TIMEOUT_MS);

  it('previews the same kind of files without crashing', async () => {
    const input = fc.constantFrom(...formatNames()).chain((reader) => fc.tuple(fc.constant(reader), rowsFor(reader), container));
    await fc.assert(
      fc.asyncProperty(input, async ([reader, rows, kind]) => {
        const file = writeInput(encode(rows, kind));
        const args: Record<string, unknown> = reader === 'mapped' ? { file, mapping: MAPPING } : { file };
        expectReportOrStudioErrorPreview(`preview (${reader} rows, ${kind})`, await router.invoke('dataset.preview', args));
      }),
      { seed: SEED, numRuns: RUNS * 2 },
    );
  }, TIMEOUT_MS);

  it('leaves a project database that opens again and passes an integrity check', async () => {
    studio.close();
    const store = ProjectStore.open(projectDir);
    try {
      expect(store.db.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');
      expect(store.summary().itemCount).toBeGreaterThan(0);
    } finally {
      store.close();
    }
  });
});

function expectReportOrStudioErrorPreview(label: string, envelope: Envelope): void {
  if (!envelope.ok && envelope.error.code === 'internal') throw new Error(`${label}: ${envelope.error.message}`);
}
