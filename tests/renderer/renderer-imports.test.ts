/**
 * The renderer runs sandboxed (Electron) or in a browser tab: it must never import Node or
 * Electron, and from the studio core only types plus the wire constants. A runtime import of,
 * say, app/store would drag better-sqlite3 into the bundle and break both hosts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RENDERER = join(ROOT, 'renderer');
/** Core modules the renderer may import values from: plain constants, no Node. */
const RUNTIME_ALLOWED_FROM_APP = new Set(['app/rpc/wire']);
const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(entry) ? [path] : [];
  });
}

interface ImportStatement {
  typeOnly: boolean;
  from: string;
}

function importsOf(source: string): ImportStatement[] {
  const statements: ImportStatement[] = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?[^'";]*?\s*from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm;
  for (const match of source.matchAll(pattern)) {
    const from = match[3] ?? match[4];
    if (from) statements.push({ typeOnly: Boolean(match[2]), from });
  }
  return statements;
}

describe('renderer imports', () => {
  const files = sourceFiles(RENDERER);

  it('finds the renderer sources', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('never imports Node built-ins or Electron, and from app/ only types and the wire constants', () => {
    const problems: string[] = [];
    for (const file of files) {
      for (const statement of importsOf(readFileSync(file, 'utf8'))) {
        const where = relative(ROOT, file);
        if (NODE_BUILTINS.has(statement.from) || statement.from === 'electron') {
          problems.push(`${where}: imports ${statement.from}`);
          continue;
        }
        if (!statement.from.startsWith('.')) continue;
        const target = relative(ROOT, resolve(dirname(file), statement.from)).replace(/\\/g, '/');
        if (!target.startsWith('app/')) continue;
        if (!statement.typeOnly && !RUNTIME_ALLOWED_FROM_APP.has(target)) {
          problems.push(`${where}: runtime import of ${target} (use "import type", or add a browser-safe module to the allowlist)`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
