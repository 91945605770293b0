/**
 * The e2e tests drive the built renderer (dist/renderer) that `serve` hands out, so it must be
 * current: rebuilt when missing or older than any renderer source or the Vite config.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BUILT_INDEX = join(REPO_ROOT, 'dist', 'renderer', 'index.html');

function newestMtime(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function rendererIsStale(): boolean {
  if (!existsSync(BUILT_INDEX)) return true;
  const built = statSync(BUILT_INDEX).mtimeMs;
  const sources = Math.max(newestMtime(join(REPO_ROOT, 'renderer')), newestMtime(join(REPO_ROOT, 'vite.config.ts')));
  return sources > built;
}

export function ensureRendererBuilt(): void {
  if (!rendererIsStale()) return;
  console.log('e2e: building the renderer (npx vite build)…');
  // vitest sets NODE_ENV=test; the renderer under test must be the production build people get.
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: REPO_ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
}
