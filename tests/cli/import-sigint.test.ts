/**
 * Ctrl-C stops `reward-studio import` cleanly (#13 item 4): a real child importing a large file
 * gets SIGINT once its first batch is in, stops after whole batches, prints the partial report
 * and exits 130; importing the file again adds the rest.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { projectDbPath } from '../../app/store/project-layout';
import { ProjectStore } from '../../app/store/project-store';
import { REPO_ROOT } from '../e2e/harness/renderer-build';
import { tempDir } from '../fixtures/temp-dirs';

const ROWS = 200_000;
const bin = join(REPO_ROOT, 'bin/reward-studio.mjs');
const savedHome = process.env.REWARD_STUDIO_HOME;
afterEach(() => {
  if (savedHome === undefined) delete process.env.REWARD_STUDIO_HOME;
  else process.env.REWARD_STUDIO_HOME = savedHome;
});

function itemCount(projectDir: string): number {
  const db = new Database(projectDbPath(projectDir), { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM items').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('reward-studio import and Ctrl-C', () => {
  it('stops after whole batches on SIGINT, prints the partial report, exits 130; a second import completes', async () => {
    const home = join(tempDir(), 'home');
    process.env.REWARD_STUDIO_HOME = home;
    const env = { ...process.env, REWARD_STUDIO_HOME: home };
    const projectDir = join(tempDir(), 'project');
    ProjectStore.create(projectDir, { name: 'Ctrl-C' }).close();
    const file = join(tempDir(), 'large.jsonl');
    const lines: string[] = [];
    for (let index = 0; index < ROWS; index++) lines.push(JSON.stringify({ id: `r${index}`, query: `q${index}`, response: ['a', 'b'] }));
    writeFileSync(file, lines.join('\n') + '\n');

    const child = spawn(process.execPath, [bin, 'import', file, '--project', projectDir], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let exitCode: number | null | undefined;
    const exited = new Promise<number | null>((done) =>
      child.on('exit', (code) => {
        exitCode = code;
        done(code);
      }),
    );
    const deadline = Date.now() + 90_000;
    while (itemCount(projectDir) === 0) {
      if (exitCode !== undefined || Date.now() > deadline) throw new Error(`the import never committed a batch: ${stdout}${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(130);

    const summary = /Stopped .*large\.jsonl .*: (\d+) rows, (\d+) added, 0 unchanged, 0 rejected/.exec(stdout);
    expect(summary, stdout).not.toBeNull();
    const added = Number(summary?.[2]);
    expect(added).toBeGreaterThan(0);
    expect(added).toBeLessThan(ROWS);
    expect(added % 1000).toBe(0);
    expect(stdout).toContain('Stopped by Ctrl-C');
    expect(stderr).toContain('Stopping the import');
    expect(itemCount(projectDir)).toBe(added);

    const again = spawnSync(process.execPath, [bin, 'import', file, '--project', projectDir], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 180_000 });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain(`${ROWS - added} added, ${added} unchanged`);
    expect(itemCount(projectDir)).toBe(ROWS);
  }, 300_000);
});
