import Database from 'better-sqlite3';
import { applyMigrations } from './migrations';

/**
 * Opens a project database with the settings every connection needs:
 * WAL so the UI reads while an import writes, foreign keys (off by default in SQLite),
 * NORMAL sync (safe with WAL; a power cut can lose only the last transactions) and a busy
 * timeout so a second process (CLI + app) waits instead of failing at once.
 */
export function openDatabase(dbPath: string, options: { create: boolean; migrate?: boolean }): Database.Database {
  const db = new Database(dbPath, { fileMustExist: !options.create });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    // 64 MiB page cache (the default is 2 MiB): bulk imports touch the id index on every row.
    db.pragma('cache_size = -65536');
    if (options.migrate !== false) applyMigrations(db, dbPath);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
