/**
 * Which domain owns each table of project.sqlite, and which of its modules may spell SQL for it.
 *
 * The schema itself lives in one place (store/migrations.ts, numbered, never edited once shipped),
 * but every table belongs to one domain: only that domain's records modules name it in SQL. Another
 * domain that needs its rows calls a function the owner exports — a query (`imageSamples`,
 * `checkpointWithRun`), or, where a join must stay one statement for an index walk or a page, a
 * SQL piece the owner spells (`joinLiveItem`, `joinCheckpointAndRun`, the uncertain item order),
 * so a table's columns, its soft-delete rule and its status values are written down once, beside
 * the table. tests/architecture/sql-ownership.test.ts fails when SQL names a table anywhere else.
 *
 * `ProjectStore.db` is the connection for these records modules (and for `transaction(...)`
 * around their calls); it is not a licence for SQL elsewhere.
 */

export type TableOwner = 'store' | 'dataset' | 'runs' | 'evaluation' | 'team';

export interface OwnerDomain {
  /** The domain's folder, relative to the repository root. */
  folder: string;
  tables: readonly string[];
  /** The modules that may hold SQL for these tables (a path ending in `/`: every file under it). */
  records: readonly string[];
}

export const TABLE_OWNERS: Readonly<Record<TableOwner, OwnerDomain>> = {
  // Items, their content and judgments: the store is this data's records layer as a whole.
  store: {
    folder: 'app/store',
    tables: ['meta', 'images', 'items', 'item_images', 'responses', 'annotators', 'judgments', 'judgment_history', 'applied_actions'],
    records: ['app/store/'],
  },
  // One row per import and its report.
  dataset: {
    folder: 'app/dataset',
    tables: ['imports'],
    records: ['app/dataset/import-records.ts'],
  },
  // The project's index of runs and their checkpoints (the run's own truth is its metrics.sqlite).
  runs: {
    folder: 'app/runs',
    tables: ['runs', 'checkpoints'],
    records: ['app/runs/run-records.ts'],
  },
  // Evaluations, their per-item outcomes and per-response scores.
  evaluation: {
    folder: 'app/evaluation',
    tables: ['evaluations', 'evaluation_items', 'scores'],
    records: [
      'app/evaluation/evaluation-records.ts',
      'app/evaluation/evaluation-scores.ts',
      'app/evaluation/evaluation-compare.ts',
      'app/evaluation/evaluation-item-scores.ts',
      'app/evaluation/uncertain-order.ts',
    ],
  },
  // The people of a served project, their guidelines, the assignment plan, leases and gold items.
  team: {
    folder: 'app/team',
    tables: ['team_members', 'team_guidelines', 'team_plan', 'team_assignments', 'team_gold'],
    records: ['app/team/team-records.ts'],
  },
};

/** The owner of `table`, or undefined when it is not a table of project.sqlite. */
export function tableOwner(table: string): TableOwner | undefined {
  for (const [owner, domain] of Object.entries(TABLE_OWNERS) as [TableOwner, OwnerDomain][]) {
    if (domain.tables.includes(table)) return owner;
  }
  return undefined;
}
