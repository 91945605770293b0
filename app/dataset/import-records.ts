/**
 * The imports table of project.sqlite (migrations 1 and 10): one row per import of a file, the
 * process running it, and its report once finished. The dataset domain's records module (see
 * store/table-owners.ts).
 */
import type Database from 'better-sqlite3';
import type { ImportReport } from './types';

export interface UnfinishedImport {
  id: number;
  file: string;
  format: string;
  started_at: string;
  pid: number | null;
}

/** A new, unfinished import run by `pid`; returns its id. */
export function insertImport(db: Database.Database, file: string, format: string, startedAt: string, pid: number): number {
  return Number(
    db.prepare('INSERT INTO imports (file, format, started_at, pid) VALUES (?, ?, ?, ?)').run(file, format, startedAt, pid).lastInsertRowid,
  );
}

/** Marks the import finished; with a report, stores it too. */
export function finishImport(db: Database.Database, id: number, finishedAt: string, report?: ImportReport): void {
  if (report === undefined) db.prepare('UPDATE imports SET finished_at = ? WHERE id = ?').run(finishedAt, id);
  else db.prepare('UPDATE imports SET finished_at = ?, report_json = ? WHERE id = ?').run(finishedAt, JSON.stringify(report), id);
}

export function unfinishedImports(db: Database.Database): UnfinishedImport[] {
  return db.prepare('SELECT id, file, format, started_at, pid FROM imports WHERE finished_at IS NULL').all() as UnfinishedImport[];
}

/** Finishes these still unfinished imports with the report each is given (one transaction). */
export function finishUnfinishedImports(db: Database.Database, finishedAt: string, reports: readonly { id: number; report: ImportReport }[]): void {
  const finish = db.prepare('UPDATE imports SET finished_at = ?, report_json = ? WHERE id = ? AND finished_at IS NULL');
  db.transaction(() => {
    for (const { id, report } of reports) finish.run(finishedAt, JSON.stringify(report), id);
  })();
}

/** The stored reports, newest first. */
export function importReports(db: Database.Database): ImportReport[] {
  const rows = db.prepare('SELECT report_json FROM imports WHERE report_json IS NOT NULL ORDER BY id DESC').all() as { report_json: string }[];
  return rows.map((row) => JSON.parse(row.report_json) as ImportReport);
}
