/**
 * A long import can be stopped (#13 item 4): `dataset.cancelImport` through the real handlers on
 * a real project aborts the running `dataset.import`, which resolves with `cancelled: true`
 * after whole batches only; a later import of the same file adds the rest and skips what is in.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRouter, type Router } from '../../app/rpc/router';
import { createHandlers } from '../../app/studio/create-handlers';
import { Studio } from '../../app/studio/studio';
import { tempDir } from '../fixtures/temp-dirs';
import { routerCalls } from '../fixtures/router-calls';

/** Rows in the generated file; the import writes them in batches of 1000. */
const ROWS = 200_000;
const BATCH = 1000;

let studio: Studio;
let router: Router;
const savedHome = process.env.REWARD_STUDIO_HOME;
const { call } = routerCalls(() => router);

beforeEach(() => {
  process.env.REWARD_STUDIO_HOME = join(tempDir(), 'home');
  studio = new Studio({ kind: 'browser' });
  router = createRouter(createHandlers(studio));
  studio.createProject(join(tempDir(), 'project'), 'Cancel import');
});

afterEach(() => {
  studio.close();
  if (savedHome === undefined) delete process.env.REWARD_STUDIO_HOME;
  else process.env.REWARD_STUDIO_HOME = savedHome;
});

function largeFile(): string {
  const file = join(tempDir(), 'large.jsonl');
  const lines: string[] = [];
  for (let index = 0; index < ROWS; index++) lines.push(JSON.stringify({ id: `r${index}`, query: `q${index}`, response: ['a', 'b'] }));
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function itemCount(): number {
  return (studio.project().db.prepare('SELECT COUNT(*) AS n FROM items').get() as { n: number }).n;
}

describe('dataset.cancelImport', () => {
  it('answers stopped: false when no import runs', async () => {
    expect(await call('dataset.cancelImport', {})).toEqual({ stopped: false });
  });

  it('stops a running import after its first progress event: whole batches kept, report cancelled, a later import completes', async () => {
    const file = largeFile();
    const answers: Promise<{ stopped: boolean }>[] = [];
    const stopListening = studio.events.listen((name) => {
      if (name === 'dataset.onImportProgress' && answers.length === 0) answers.push(call('dataset.cancelImport', {}));
    });
    let report;
    try {
      report = await call('dataset.import', { file, format: 'auto', split: 'train' });
    } finally {
      stopListening();
    }
    expect(answers).toHaveLength(1);
    expect(await answers[0]).toEqual({ stopped: true });
    expect(report.cancelled).toBe(true);
    expect(report.added).toBeGreaterThan(0);
    expect(report.added).toBeLessThan(ROWS);
    expect(report.errorCount).toBe(0);
    // Whole batches only: what the report counts is exactly what is in the database.
    expect(report.added % BATCH).toBe(0);
    expect(report.rowsRead).toBe(report.added);
    expect(itemCount()).toBe(report.added);
    const [listed] = await call('dataset.imports', {});
    expect(listed).toMatchObject({ id: report.id, cancelled: true, added: report.added });
    expect(listed?.interrupted ?? false).toBe(false);
    // Nothing runs any more.
    expect(await call('dataset.cancelImport', {})).toEqual({ stopped: false });

    const again = await call('dataset.import', { file, format: 'auto', split: 'train' });
    expect(again.cancelled).toBe(false);
    expect(again.unchanged).toBe(report.added);
    expect(again.added).toBe(ROWS - report.added);
    expect(itemCount()).toBe(ROWS);
  }, 240_000);
});
