/**
 * Bounded input (#13): a line over MAX_JSONL_LINE_BYTES, a row with more responses than an item
 * holds, each a row error with the good rows landing; a FIFO or a device refused before it is
 * opened (opening a FIFO waited for a writer forever; /dev/zero grew without bound).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importDataset } from '../../app/dataset/import-dataset';
import { MAX_JSONL_LINE_BYTES, splitJsonlLines, type JsonlLine } from '../../app/dataset/jsonl-lines';
import { ProjectStore } from '../../app/store/project-store';
import { rankingProblem } from '../../app/store/ranking-rules';
import { MAX_RESPONSES_PER_ITEM } from '../../app/store/types';
import { tempDir, writeJsonl } from '../fixtures/temp-dirs';

const GOOD_A = { id: 'good-a', query: 'Which is better?', response: ['yes', 'no'], human_ranking: [0, 1] };
const GOOD_B = { id: 'good-b', query: 'Pick one', response: ['a', 'b', 'c'], human_ranking: [1, 0, 2] };

function newProject(): ProjectStore {
  return ProjectStore.create(join(tempDir(), 'project'), { name: 'Limits' });
}

const writers: ChildProcess[] = [];
afterEach(() => {
  for (const child of writers.splice(0)) child.kill('SIGKILL');
});

/** A FIFO with a writer that only shows up after a while: an importer that opens it first would wait, then read one good row. */
function lateFifo(): string {
  const fifo = join(tempDir(), 'pipe.jsonl');
  execFileSync('mkfifo', [fifo]);
  writers.push(spawn('sh', ['-c', `sleep 1; echo '${JSON.stringify(GOOD_A)}' > "$0"`, fifo], { stdio: 'ignore' }));
  return fifo;
}

async function collect(chunks: Buffer[], max: number): Promise<JsonlLine[]> {
  async function* source(): AsyncGenerator<Buffer> {
    yield* chunks;
  }
  const lines: JsonlLine[] = [];
  for await (const line of splitJsonlLines(source(), undefined, max)) lines.push(line);
  return lines;
}

describe('JSON Lines line limit', () => {
  it('skips a line over the limit as it streams past, in any chunking; the lines around it are intact', async () => {
    const text = '{"a":1}\n' + 'x'.repeat(40) + '\n\n{"b":"é"}\r\n' + 'y'.repeat(41);
    for (const size of [1, 3, 7, 16, 1000]) {
      // Cut on bytes: "é" is split between chunks at some sizes.
      const chunks: Buffer[] = [];
      const bytes = Buffer.from(text);
      for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
      const lines = await collect(chunks, 20);
      expect(lines.map((l) => [l.line, l.text, l.tooLongBytes])).toEqual([
        [1, '{"a":1}', undefined],
        [2, '', 40],
        [4, '{"b":"é"}', undefined],
        [5, '', 41],
      ]);
    }
  });

  it(`imports the good rows around a line longer than ${MAX_JSONL_LINE_BYTES / 1024 / 1024} MiB and reports that line`, async () => {
    const file = join(tempDir(), 'huge-line.jsonl');
    const fd = openSync(file, 'w');
    try {
      writeSync(fd, `${JSON.stringify(GOOD_A)}\n{"id": "huge", "query": "`);
      // A hole: the file system stores no bytes for it, the reader sees zeros (no newline) for 72 MiB.
      const tail = `"}\n${JSON.stringify(GOOD_B)}\n`;
      writeSync(fd, tail, MAX_JSONL_LINE_BYTES + 8 * 1024 * 1024);
    } finally {
      closeSync(fd);
    }
    const store = newProject();
    const report = await importDataset(store, file, { format: 'seed' });
    expect(report.added).toBe(2);
    expect(report.errorCount).toBe(1);
    expect(report.errors[0]?.line).toBe(2);
    expect(report.errors[0]?.reason).toMatch(/longer than 64 MiB .* skipped unread/);
    store.close();
  }, 20_000);

  it('refuses a FIFO before opening it (no waiting for a writer)', async () => {
    const store = newProject();
    await expect(importDataset(store, lateFifo())).rejects.toThrow(/is not a regular file \(a pipe, socket or device\)/);
    store.close();
  }, 5_000);

  it('refuses a device such as /dev/null', async () => {
    const store = newProject();
    await expect(importDataset(store, '/dev/null')).rejects.toThrow(/not a regular file/);
    store.close();
  });
});

describe('responses per row', () => {
  it(`refuses a row with more than ${MAX_RESPONSES_PER_ITEM} responses (even 120k ranked ones) as a row error; the others land`, async () => {
    const file = join(tempDir(), 'many.jsonl');
    const many = 120_000;
    const responses = Array.from({ length: many }, (_, i) => `answer ${i}`);
    const allowed = Array.from({ length: MAX_RESPONSES_PER_ITEM }, (_, i) => `option ${i}`);
    writeJsonl(file, [
      GOOD_A,
      { id: 'huge', query: 'Rank all', response: responses, human_ranking: responses.map((_, i) => i) },
      { id: 'one-too-many', query: 'Rank', response: [...allowed, 'extra'], human_ranking: [...allowed, 'extra'].map((_, i) => i) },
      { id: 'at-limit', query: 'Rank', response: allowed, human_ranking: allowed.map((_, i) => i) },
      GOOD_B,
    ]);
    const store = newProject();
    const report = await importDataset(store, file, { format: 'seed' });
    expect(report.added).toBe(3);
    expect(report.errors.map((error) => [error.line, error.reason])).toEqual([
      [2, expect.stringContaining(`the row has ${many} responses; an item holds at most ${MAX_RESPONSES_PER_ITEM}`)],
      [3, expect.stringContaining(`the row has ${MAX_RESPONSES_PER_ITEM + 1} responses`)],
    ]);
    store.close();
  });

  it('checks a ranking of any length without spreading it onto the stack', () => {
    const ranks = Array.from({ length: 500_000 }, (_, i) => i + 1);
    expect(rankingProblem(ranks, ranks.length + 1)).toMatch(/has 500000 entries/);
    expect(rankingProblem(ranks, ranks.length)).toMatch(/out of range/);
    ranks[ranks.length - 1] = 1;
    ranks.fill(1);
    expect(rankingProblem(ranks, ranks.length)).toMatch(/^ranking \[1,1,.*more\] has no rank 0/);
  });
});
