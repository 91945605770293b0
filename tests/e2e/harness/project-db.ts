/** Reading a project's project.sqlite from an e2e test: read-only, opened and closed per query. */
import { join } from 'node:path';
import Database from 'better-sqlite3';

export function queryProject<T>(projectDir: string, sql: string, ...params: string[]): T[] {
  const db = new Database(join(projectDir, 'project.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}
