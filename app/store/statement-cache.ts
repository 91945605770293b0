/**
 * Prepared statements kept per SQL text. better-sqlite3 compiles a statement on every `prepare`;
 * readers that run the same queries for every page or tail tick prepare each one once.
 */
import type Database from 'better-sqlite3';

export class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  get(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
