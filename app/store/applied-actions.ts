import type Database from 'better-sqlite3';

/**
 * The ids of client actions (a judgment, an undo, a note, a flag) this project already applied.
 * A client resends an action whose answer it never got; the id tells a replay from a new action.
 * One row per action; at one judgment per second an annotator adds ~30k rows (1.5 MB) per
 * working month, so nothing is pruned yet.
 */
export class AppliedActions {
  private readonly find: Database.Statement<[string]>;
  private readonly insert: Database.Statement<[string, string, string]>;

  constructor(db: Database.Database) {
    this.find = db.prepare('SELECT 1 FROM applied_actions WHERE action_id = ?');
    this.insert = db.prepare('INSERT INTO applied_actions (action_id, command, applied_at) VALUES (?, ?, ?)');
  }

  has(actionId: string): boolean {
    return this.find.get(actionId) !== undefined;
  }

  record(actionId: string, command: string, at: string): void {
    this.insert.run(actionId, command, at);
  }
}
