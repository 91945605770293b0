import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];

export function tempFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `rs-e2e-${prefix}-`));
  created.push(dir);
  return dir;
}

/** Left in place when REWARD_STUDIO_KEEP_E2E is set, to inspect a failed run. */
export function removeTempFolders(): void {
  if (process.env.REWARD_STUDIO_KEEP_E2E) return;
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}
