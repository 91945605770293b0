import type Database from 'better-sqlite3';
import { DEFAULT_SPLIT_RATIOS, DEFAULT_SPLIT_SEED } from '../dataset/splits';
import type { SplitRatios } from './types';

/** The project-wide settings kept in the `meta` table, one JSON value per key. */
export interface ProjectMeta {
  name: string;
  createdAt: string;
  splitRatios: SplitRatios;
  splitSeed: string;
}

export function readMeta(db: Database.Database): ProjectMeta {
  const rows = db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[];
  const values = new Map(rows.map((row) => [row.key, JSON.parse(row.value) as unknown]));
  const ratios = values.get('split_ratios') as SplitRatios | undefined;
  return {
    name: typeof values.get('name') === 'string' ? (values.get('name') as string) : 'Untitled project',
    createdAt: typeof values.get('created_at') === 'string' ? (values.get('created_at') as string) : '',
    splitRatios: ratios ?? DEFAULT_SPLIT_RATIOS,
    splitSeed: typeof values.get('split_seed') === 'string' ? (values.get('split_seed') as string) : DEFAULT_SPLIT_SEED,
  };
}

export function writeMeta(db: Database.Database, values: Partial<ProjectMeta>): void {
  const upsert = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  const keys: [keyof ProjectMeta, string][] = [
    ['name', 'name'],
    ['createdAt', 'created_at'],
    ['splitRatios', 'split_ratios'],
    ['splitSeed', 'split_seed'],
  ];
  db.transaction(() => {
    for (const [field, key] of keys) {
      if (values[field] !== undefined) upsert.run(key, JSON.stringify(values[field]));
    }
  })();
}
