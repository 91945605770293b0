/**
 * The folder tree is the architecture; these rules keep it honest (the one boundary test: what
 * was tests/renderer/renderer-imports.test.ts is merged in, with one import parser for all):
 *  - app/ is plain Node: it never imports electron or react (so it runs in `serve`, the CLI, tests);
 *  - renderer/ never touches Node: no node: builtins, no electron, no native modules (it must run
 *    in a sandboxed page or a browser tab);
 *  - renderer/ reaches the core through one module, renderer/client/contract-types.ts: no other
 *    renderer file imports anything from app/, and that module imports only types (`import type`,
 *    `export type … from`, `typeof import()`) and only from the contract (app/contract/,
 *    app/rpc/wire, app/errors), so no core code reaches the bundle;
 *  - the preload requires nothing but electron at runtime (a sandboxed preload cannot);
 *  - main/ is thin glue: no SQL, no dataset code of its own.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');

/** The renderer's one door into app/ (see its header for why it lives in renderer/). */
const CONTRACT_TYPES = 'renderer/client/contract-types.ts';
/** What counts as the contract: the commands and events, the wire messages, the error shape. */
const CONTRACT = [/^app\/contract(\/|$)/, /^app\/rpc\/wire$/, /^app\/errors$/];
/** Packages that need Node (native or server-side); the renderer may import none of them. */
const NODE_ONLY_PACKAGES = /^(electron|better-sqlite3|sharp|onnxruntime-node|ws)(\/|$)/;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, dir))) {
    const relative = path.join(dir, entry);
    if (statSync(path.join(root, relative)).isDirectory()) out.push(...sourceFiles(relative));
    else if (/\.(ts|tsx|mts)$/.test(entry)) out.push(relative);
  }
  return out;
}

interface ImportStatement {
  specifier: string;
  /** Erased by the compiler: `import type`, `export type … from`, `typeof import('…')`. */
  typeOnly: boolean;
}

/**
 * Every module a source file names: import/export-from statements (one or many lines), bare
 * imports, dynamic import() and `typeof import()` types, require(). Only a statement-level
 * `type` makes an import type-only; `import { type A }` still keeps the module in the bundle
 * under verbatimModuleSyntax, so it counts as a runtime import. Comments are skipped.
 */
function importsOf(source: string): ImportStatement[] {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found: ImportStatement[] = [];
  for (const match of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[^'"`;]*?\bfrom\s*)?['"]([^'"]+)['"]/gm)) {
    found.push({ specifier: match[2] as string, typeOnly: Boolean(match[1]) });
  }
  for (const match of text.matchAll(/(\btypeof\s+)?\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    found.push({ specifier: match[2] as string, typeOnly: Boolean(match[1]) });
  }
  for (const match of text.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push({ specifier: match[1] as string, typeOnly: false });
  return found;
}

function importsOfFile(file: string): ImportStatement[] {
  return importsOf(readFileSync(path.join(root, file), 'utf8'));
}

/** A relative specifier as a repository path without extension or /index; a package name as is. */
function resolvedFrom(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  return path
    .normalize(path.join(path.dirname(file), specifier))
    .replace(/\\/g, '/')
    .replace(/\.(ts|tsx|mts|js)$/, '')
    .replace(/\/index$/, '');
}

const nodeBuiltins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** What a renderer file may not import; `[]` when it keeps every rule. */
function rendererImportProblems(file: string, imports: readonly ImportStatement[]): string[] {
  return imports.flatMap(({ specifier, typeOnly }) => {
    if (nodeBuiltins.has(specifier) || NODE_ONLY_PACKAGES.test(specifier)) return [`${file} imports ${specifier} (the renderer has no Node)`];
    const target = resolvedFrom(file, specifier);
    if (!target.startsWith('app/')) return [];
    if (file !== CONTRACT_TYPES) return [`${file} imports ${target} (import from ${CONTRACT_TYPES} instead)`];
    if (!CONTRACT.some((rule) => rule.test(target))) return [`${file} imports ${target}, which is not the contract`];
    if (!typeOnly) return [`${file} imports ${target} at runtime (only types may cross; copy a constant with a typeof import() check)`];
    return [];
  });
}

describe('architecture boundaries', () => {
  it('app/ imports neither electron nor react', () => {
    const offenders = sourceFiles('app').flatMap((file) =>
      importsOfFile(file)
        .map((statement) => statement.specifier)
        .filter((spec) => /^(electron|react|react-dom)(\/|$)/.test(spec))
        .map((spec) => `${file} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('finds the sources it checks', () => {
    expect(sourceFiles('renderer').length).toBeGreaterThan(10);
    expect(sourceFiles('renderer')).toContain(CONTRACT_TYPES);
  });

  it('renderer/ has no Node access and reaches app/ only through contract-types.ts, for types of the contract', () => {
    const offenders = sourceFiles('renderer').flatMap((file) => rendererImportProblems(file, importsOfFile(file)));
    expect(offenders).toEqual([]);
  });

  it('the import rules catch what they are meant to', () => {
    const check = (file: string, source: string) => rendererImportProblems(file, importsOf(source));
    const view = 'renderer/views/items/item-row.tsx';
    expect(check(view, "import type { ItemSummary } from '../../client/contract-types';")).toEqual([]);
    expect(check(view, "import type { ItemSummary } from '../../../app/store/types';")).toHaveLength(1);
    expect(check(view, "import type { CommandResult } from '../../../app/contract';")).toHaveLength(1);
    expect(check(view, "type S = typeof import('../../../app/contract/scoring');")).toHaveLength(1);
    expect(check(view, "import {\n  WS_PATH,\n} from '../../../app/rpc/wire';")).toHaveLength(1);
    expect(check(view, "const m = await import('../../../app/store/project-store');")).toHaveLength(1);
    expect(check(view, "import { readFileSync } from 'node:fs';\nimport Database from 'better-sqlite3';")).toHaveLength(2);
    expect(check(view, "// import type { X } from '../../../app/store/types';")).toEqual([]);
    expect(check(CONTRACT_TYPES, "export type { ItemDetail } from '../../app/store/types';")).toHaveLength(1);
    expect(check(CONTRACT_TYPES, "import { WS_PATH } from '../../app/rpc/wire';")).toHaveLength(1);
    expect(check(CONTRACT_TYPES, "import { type Envelope } from '../../app/rpc/wire';")).toHaveLength(1);
    expect(check(CONTRACT_TYPES, "export * from '../../app/contract';")).toHaveLength(1);
    expect(check(CONTRACT_TYPES, "export type { Envelope } from '../../app/rpc/wire';\nimport type { CommandResult } from '../../app/contract';")).toEqual([]);
    expect(check(CONTRACT_TYPES, "type Wire = typeof import('../../app/rpc/wire');")).toEqual([]);
  });

  it('the preload requires only electron (and type-only imports)', () => {
    const runtimeImports = importsOfFile('main/preload.ts').filter((statement) => !statement.typeOnly);
    expect(runtimeImports.map((statement) => statement.specifier)).toEqual(['electron']);
  });

  it('main/ holds no business logic: no SQL, no dataset or media code', () => {
    const offenders = sourceFiles('main').flatMap((file) =>
      importsOfFile(file)
        .map((statement) => statement.specifier)
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
