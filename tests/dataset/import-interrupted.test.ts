/**
 * A killed import must not stay unfinished forever (#13). A real child process imports a large
 * file into a real project.sqlite and is SIGKILLed mid-file; its `imports` row never gets a finish.
 * Opening the project (or starting the next import) marks it interrupted, so Past imports lists it
 * with a report that says what to do; a row whose process still runs is left alone.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { importDataset, listImports, markInterruptedImports } from '../../app/dataset/import-dataset';
import { projectDbPath } from '../../app/store/project-layout';
import { ProjectStore } from '../../app/store/project-store';
import { Studio } from '../../app/studio/studio';
import { REPO_ROOT } from '../e2e/harness/renderer-build';
import { tempDir, writeJsonl } from '../fixtures/temp-dirs';

const savedHome = process.env.REWARD_STUDIO_HOME;
afterEach(() => {
  if (savedHome === undefined) delete process.env.REWARD_STUDIO_HOME;
  else process.env.REWARD_STUDIO_HOME = savedHome;
});

function readImports(projectDir: string): { id: number; finished_at: string | null; report_json: string | null }[] {
  const db = new Database(projectDbPath(projectDir), { readonly: true });
  try {
    return db.prepare('SELECT id, finished_at, report_json FROM imports ORDER BY id').all() as { id: number; finished_at: string | null; report_json: string | null }[];
  } finally {
    db.close();
  }
}

/** Starts an import in a child process and SIGKILLs it once its first batches are committed. */
async function killedImport(projectDir: string, file: string): Promise<void> {
  const script = join(tempDir(), 'import-then-die.mts');
  writeFileSync(
    script,
    `import { importDataset } from ${JSON.stringify(join(REPO_ROOT, 'app/dataset/import-dataset.ts'))};
import { ProjectStore } from ${JSON.stringify(join(REPO_ROOT, 'app/store/project-store.ts'))};
await importDataset(ProjectStore.open(${JSON.stringify(projectDir)}), ${JSON.stringify(file)}, { batchSize: 50 });
console.log('finished');`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let gone = false;
  const exited = new Promise<void>((done) =>
    child.on('exit', () => {
      gone = true;
      done();
    }),
  );
  const deadline = Date.now() + 60_000;
  const itemsSoFar = (): number => {
    const db = new Database(projectDbPath(projectDir), { readonly: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM items').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  while (itemsSoFar() === 0) {
    if (gone || Date.now() > deadline) throw new Error('the child import never committed a batch');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill('SIGKILL');
  await exited;
  expect(output).not.toContain('finished');
}

function bigFile(dir: string, rows = 20_000): string {
  const file = join(dir, 'big.jsonl');
  writeJsonl(
    file,
    Array.from({ length: rows }, (_, index) => ({ id: `row-${index}`, query: `question ${index}`, response: [`answer ${index}`, `other ${index}`] })),
  );
  return file;
}

describe('imports left unfinished by a killed process', () => {
  it('are marked interrupted when the project opens, and listed in Past imports with what to do', async () => {
    process.env.REWARD_STUDIO_HOME = join(tempDir(), 'home');
    const projectDir = join(tempDir(), 'project');
    ProjectStore.create(projectDir, { name: 'Killed' }).close();
    const file = bigFile(tempDir());
    await killedImport(projectDir, file);
    const [row] = readImports(projectDir);
    expect(row?.finished_at).toBeNull();

    const studio = new Studio({ kind: 'browser' });
    try {
      studio.openProject(projectDir);
      const listed = listImports(studio.project());
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({ id: row?.id, file, interrupted: true, cancelled: false });
    } finally {
      studio.close();
    }
    expect(readImports(projectDir)[0]?.finished_at).not.toBeNull();

    // Importing the file again adds the rest and skips what the killed import had saved.
    const store = ProjectStore.open(projectDir);
    try {
      const again = await importDataset(store, file);
      expect(again.added + again.unchanged).toBe(20_000);
      expect(again.unchanged).toBeGreaterThan(0);
    } finally {
      store.close();
    }
  }, 120_000);

  it('are marked at the start of the next import too; a row whose process still runs is left alone', async () => {
    const projectDir = join(tempDir(), 'project');
    const store = ProjectStore.create(projectDir, { name: 'Next import' });
    try {
      const dead = spawnSync(process.execPath, ['-e', '']).pid as number;
      const live = spawn('sleep', ['30']);
      try {
        const insert = store.db.prepare('INSERT INTO imports (file, format, started_at, pid) VALUES (?, ?, ?, ?)');
        insert.run('/data/dead.jsonl', 'seed', '2025-01-01T00:00:00.000Z', dead);
        insert.run('/data/live.jsonl', 'seed', '2025-01-01T00:00:01.000Z', live.pid as number);
        const file = join(tempDir(), 'small.jsonl');
        writeJsonl(file, [{ id: 'a', query: 'q', response: ['x', 'y'] }]);
        await importDataset(store, file);
        const reports = listImports(store);
        expect(reports.map((report) => [report.file, report.interrupted === true])).toEqual([
          [file, false],
          ['/data/dead.jsonl', true],
        ]);
        expect(readImports(projectDir).find((entry) => entry.report_json === null)?.finished_at).toBeNull();
        // Once that process is gone, the next check marks its row too.
        expect(markInterruptedImports(store, () => false)).toBe(1);
      } finally {
        live.kill();
      }
    } finally {
      store.close();
    }
  });
});
