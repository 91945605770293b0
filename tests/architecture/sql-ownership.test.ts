/**
 * Tables belong to their domain (app/store/table-owners.ts): SQL that names a table of
 * project.sqlite is written only in the records modules of the domain that owns it. Another domain
 * calls a function the owner exports (a query, or a SQL piece the owner spells) instead.
 *
 * The scan finds table names after FROM, JOIN, INTO, UPDATE and TABLE in app/**\/*.ts (comment
 * lines left out) and checks each against the owner's records modules.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { applyMigrations } from '../../app/store/migrations';
import { TABLE_OWNERS, tableOwner, type TableOwner } from '../../app/store/table-owners';

const root = path.resolve(__dirname, '../..');

/**
 * Files that may name a table without owning it, each for the tables it may name only:
 *  - migrations.ts is the schema of every domain's tables (numbered, applied in one place);
 *  - metrics-reader.ts reads the worker's own metrics.sqlite, a different database whose
 *    `checkpoints` table only shares its name with project.sqlite's.
 */
const EXEMPT: Readonly<Record<string, readonly string[] | 'all'>> = {
  'app/store/migrations.ts': 'all',
  'app/runs/metrics-reader.ts': ['checkpoints'],
};

interface Naming {
  file: string;
  line: number;
  text: string;
  table: string;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, dir))) {
    const relative = path.posix.join(dir, entry);
    if (statSync(path.join(root, relative)).isDirectory()) out.push(...sourceFiles(relative));
    else if (/\.(ts|mts|tsx)$/.test(entry) && !entry.endsWith('.d.ts')) out.push(relative);
  }
  return out;
}

/** Comment lines blanked and trailing `// …` cut, line breaks kept (so indexes map to lines). */
function withoutComments(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const trimmed = line.trimStart();
      if (trimmed.startsWith('//') || trimmed.startsWith('*') || trimmed.startsWith('/*')) return '';
      return line.replace(/\s\/\/\s.*$/, '');
    })
    .join('\n');
}

const TABLE_REFERENCE = /\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?["[]?([A-Za-z_][A-Za-z0-9_]*)/g;

/** Every project table named in SQL in this text. */
function tableNamings(file: string, source: string): Naming[] {
  const text = withoutComments(source);
  const lines = source.split('\n');
  const out: Naming[] = [];
  for (const match of text.matchAll(TABLE_REFERENCE)) {
    const table = match[1] as string;
    if (tableOwner(table) === undefined) continue;
    const line = text.slice(0, (match.index ?? 0) + match[0].length).split('\n').length;
    out.push({ file, line, text: (lines[line - 1] ?? '').trim(), table });
  }
  return out;
}

function inRecords(owner: TableOwner, file: string): boolean {
  return TABLE_OWNERS[owner].records.some((entry) => (entry.endsWith('/') ? file.startsWith(entry) : file === entry));
}

/** What breaks the rule, as messages naming file, line, table and owner. */
function violations(namings: readonly Naming[]): string[] {
  const out: string[] = [];
  for (const naming of namings) {
    const owner = tableOwner(naming.table) as TableOwner;
    if (inRecords(owner, naming.file)) continue;
    const exempt = EXEMPT[naming.file];
    if (exempt === 'all' || exempt?.includes(naming.table)) continue;
    const domain = TABLE_OWNERS[owner];
    out.push(
      `${naming.file}:${naming.line}: SQL names table "${naming.table}", owned by ${owner} (${domain.folder}/): ` +
        `move it into ${domain.records.join(', ')} and call the function from here`,
    );
  }
  return out;
}

function schemaTables(): string[] {
  const db = new Database(':memory:');
  try {
    applyMigrations(db, ':memory:');
    const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
    return rows.map((row) => row.name);
  } finally {
    db.close();
  }
}

describe('SQL ownership of project.sqlite tables', () => {
  it('gives every table of the schema exactly one owner, and owners name only tables that exist', () => {
    const tables = schemaTables();
    const owned = Object.values(TABLE_OWNERS).flatMap((domain) => domain.tables);
    expect([...owned].sort()).toEqual(tables);
    expect(new Set(owned).size).toBe(owned.length);
  });

  it('lists records modules that exist, inside their domain folder', () => {
    for (const domain of Object.values(TABLE_OWNERS)) {
      for (const entry of domain.records) {
        expect(existsSync(path.join(root, entry)), entry).toBe(true);
        expect(entry.startsWith(`${domain.folder}/`), entry).toBe(true);
      }
    }
  });

  it('names each table in SQL only inside the records modules of its owner', () => {
    const namings = sourceFiles('app').flatMap((file) => tableNamings(file, readFileSync(path.join(root, file), 'utf8')));
    // The scan must see the SQL it polices (a broken pattern would pass everything).
    expect(namings.some((n) => n.file === 'app/runs/run-records.ts' && n.table === 'runs')).toBe(true);
    expect(violations(namings)).toEqual([]);
  });

  it('catches a misplaced statement, naming file, line, table and owner', () => {
    const source = [
      '/** Reads FROM evaluations in prose: a comment line, ignored. */',
      'const a = 1;',
      "const row = db.prepare(`SELECT e.id FROM evaluations e",
      '  JOIN checkpoints c ON c.id = e.checkpoint_id`).get();',
      "db.prepare('INSERT OR IGNORE INTO images (sha256) VALUES (?)').run(x);",
    ].join('\n');
    const found = violations(tableNamings('app/store/misplaced.ts', source));
    expect(found).toHaveLength(2);
    expect(found[0]).toContain('app/store/misplaced.ts:3: SQL names table "evaluations", owned by evaluation (app/evaluation/)');
    expect(found[1]).toContain('app/store/misplaced.ts:4: SQL names table "checkpoints", owned by runs (app/runs/)');
    // The same store-owned statement in another domain is caught too.
    expect(violations(tableNamings('app/scoring/misplaced.ts', source)).some((m) => m.includes('"images", owned by store'))).toBe(true);
  });

  it('exempts the worker metrics reader only for the worker database tables', () => {
    const reader = 'app/runs/metrics-reader.ts';
    expect(violations(tableNamings(reader, "db.prepare('SELECT * FROM checkpoints')"))).toEqual([]);
    expect(violations(tableNamings(reader, "db.prepare('SELECT * FROM runs')"))).toHaveLength(1);
  });
});
