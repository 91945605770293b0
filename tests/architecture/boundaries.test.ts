/**
 * The folder tree is the architecture; these rules keep it honest:
 *  - app/ is plain Node: it never imports electron or react (so it runs in `serve`, the CLI, tests);
 *  - renderer/ never touches Node: no node: builtins, no native modules, and from app/ only the
 *    contract, the wire types and the error shape (it must run in a sandboxed page or a browser);
 *  - the preload requires nothing but electron (a sandboxed preload cannot);
 *  - main/ is thin glue: no SQL, no dataset code of its own.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, dir))) {
    const relative = path.join(dir, entry);
    if (statSync(path.join(root, relative)).isDirectory()) out.push(...sourceFiles(relative));
    else if (/\.(ts|tsx|mts)$/.test(entry)) out.push(relative);
  }
  return out;
}

/** Every module specifier in import/export-from statements and dynamic import()/require() calls. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const specifiers: string[] = [];
  const patterns = [/\bfrom\s+['"]([^'"]+)['"]/g, /\bimport\s+['"]([^'"]+)['"]/g, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) specifiers.push(match[1] as string);
  return specifiers;
}

function resolvedFrom(file: string, specifier: string): string {
  return specifier.startsWith('.') ? path.normalize(path.join(path.dirname(file), specifier)) : specifier;
}

const nodeBuiltins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

describe('architecture boundaries', () => {
  it('app/ imports neither electron nor react', () => {
    const offenders = sourceFiles('app').flatMap((file) =>
      importsOf(file)
        .filter((spec) => /^(electron|react|react-dom)(\/|$)/.test(spec))
        .map((spec) => `${file} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('renderer/ has no Node access and reaches into app/ only for the contract, wire types and errors', () => {
    const allowedApp = [/^app\/contract(\/|$)/, /^app\/rpc\/wire$/, /^app\/rpc\/router$/, /^app\/errors$/, /^app\/store\/types$/, /^app\/dataset\/types$/];
    const offenders = sourceFiles('renderer').flatMap((file) =>
      importsOf(file).flatMap((spec) => {
        if (nodeBuiltins.has(spec) || /^(electron|better-sqlite3|sharp|onnxruntime-node|ws)(\/|$)/.test(spec)) return [`${file} imports ${spec}`];
        const target = resolvedFrom(file, spec).replace(/\.(ts|tsx)$/, '');
        if (target.startsWith('app/') && !allowedApp.some((rule) => rule.test(target))) return [`${file} imports ${target}`];
        return [];
      }),
    );
    expect(offenders).toEqual([]);
  });

  it('the preload requires only electron (and type-only imports)', () => {
    const text = readFileSync(path.join(root, 'main/preload.ts'), 'utf8');
    const runtimeImports = [...text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]);
    expect(runtimeImports).toEqual(['electron']);
  });

  it('main/ holds no business logic: no SQL, no dataset or media code', () => {
    const offenders = sourceFiles('main').flatMap((file) =>
      importsOf(file)
        .filter((spec) => /^(better-sqlite3|sharp|onnxruntime-node)$/.test(spec) || /app\/(store|dataset|media)\//.test(resolvedFrom(file, spec)))
        .map((spec) => `${file} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the renderer sandbox settings stay on', () => {
    const text = readFileSync(path.join(root, 'main/main.ts'), 'utf8');
    expect(text).toMatch(/contextIsolation:\s*true/);
    expect(text).toMatch(/sandbox:\s*true/);
    expect(text).toMatch(/nodeIntegration:\s*false/);
  });

  it('app/ spreads no array into Math.min/Math.max (an unbounded one overflows the stack: #13)', () => {
    // The CLI's command table is the one fixed-size list allowed.
    const allowed = new Set(['app/cli/main.ts']);
    const offenders = sourceFiles('app').filter(
      (file) => !allowed.has(file) && /Math\.(min|max)\(\s*\.\.\./.test(readFileSync(path.join(root, file), 'utf8').replace(/\/\/.*$/gm, '')),
    );
    expect(offenders).toEqual([]);
  });
});
