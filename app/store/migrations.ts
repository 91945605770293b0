import type Database from 'better-sqlite3';
import { StudioError } from '../errors';

/**
 * Numbered schema migrations, applied in order and recorded in `PRAGMA user_version`.
 * Never edit a migration that has shipped: add the next number instead, because projects on
 * people's disks are at every earlier version.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'items, images, responses, judgments with history, imports',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

      CREATE TABLE images (
        sha256 TEXT PRIMARY KEY,
        ext TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        format TEXT NOT NULL,
        created_at TEXT NOT NULL
      );

      CREATE TABLE items (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        query TEXT NOT NULL,
        prompt_json TEXT,
        split TEXT NOT NULL CHECK (split IN ('train', 'val', 'test')),
        content_hash TEXT NOT NULL,
        source_file TEXT,
        created_at TEXT NOT NULL,
        deleted_at TEXT
      );
      CREATE INDEX items_split ON items(split) WHERE deleted_at IS NULL;

      CREATE TABLE item_images (
        item_rowid INTEGER NOT NULL REFERENCES items(rowid) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        sha256 TEXT NOT NULL REFERENCES images(sha256),
        PRIMARY KEY (item_rowid, position)
      ) WITHOUT ROWID;

      CREATE TABLE responses (
        item_rowid INTEGER NOT NULL REFERENCES items(rowid) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        text TEXT NOT NULL,
        PRIMARY KEY (item_rowid, idx)
      ) WITHOUT ROWID;

      CREATE TABLE annotators (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
      );

      CREATE TABLE judgments (
        id INTEGER PRIMARY KEY,
        item_rowid INTEGER NOT NULL REFERENCES items(rowid) ON DELETE CASCADE,
        annotator_id INTEGER NOT NULL REFERENCES annotators(id),
        ranking_json TEXT NOT NULL,
        decision TEXT,
        strength TEXT,
        time_ms INTEGER,
        shown_order_json TEXT,
        note TEXT,
        flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
        source TEXT NOT NULL CHECK (source IN ('import', 'ui', 'adjudication')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (item_rowid, annotator_id)
      );
      CREATE INDEX judgments_annotator ON judgments(annotator_id);

      -- No foreign keys here on purpose: the audit trail outlives deleted judgments and items.
      CREATE TABLE judgment_history (
        id INTEGER PRIMARY KEY,
        judgment_id INTEGER NOT NULL,
        item_rowid INTEGER NOT NULL,
        annotator_id INTEGER NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
        before_json TEXT,
        after_json TEXT,
        at TEXT NOT NULL
      );
      CREATE INDEX judgment_history_item ON judgment_history(item_rowid);

      CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        file TEXT NOT NULL,
        format TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        report_json TEXT
      );
    `,
  },
  {
    version: 2,
    name: 'training runs, checkpoints, evaluations, scores',
    sql: `
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        dir TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL,
        pid INTEGER,
        config_json TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        error TEXT
      );

      CREATE TABLE checkpoints (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        path TEXT NOT NULL,
        created_at TEXT NOT NULL,
        metrics_json TEXT,
        is_best INTEGER NOT NULL DEFAULT 0,
        UNIQUE (run_id, step)
      );

      CREATE TABLE evaluations (
        id INTEGER PRIMARY KEY,
        checkpoint_id INTEGER NOT NULL REFERENCES checkpoints(id) ON DELETE CASCADE,
        split TEXT NOT NULL,
        created_at TEXT NOT NULL,
        metrics_json TEXT,
        status TEXT NOT NULL
      );

      CREATE TABLE scores (
        evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
        item_rowid INTEGER NOT NULL REFERENCES items(rowid) ON DELETE CASCADE,
        response_idx INTEGER NOT NULL,
        score REAL NOT NULL,
        PRIMARY KEY (evaluation_id, item_rowid, response_idx)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    name: 'item flag and note (an item-level "needs attention" mark, separate from any judgment)',
    sql: `
      ALTER TABLE items ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1));
      ALTER TABLE items ADD COLUMN note TEXT;
      CREATE INDEX judgments_item_updated ON judgments(item_rowid, updated_at);
    `,
  },
  {
    version: 4,
    name: 'annotation: one adjudication per item beside each annotator\'s judgment, undo marks, queue counters',
    // judgments is rebuilt because its table-level UNIQUE (item, annotator) made an adjudication
    // overwrite the adjudicator's own judgment (losing a vote from the agreement figures).
    // AUTOINCREMENT: undo restores deleted judgments under their old id, so ids must never be reused.
    // items.judgments_n (kept by triggers) lets the queue and the counts tell judged from unjudged
    // items with a column read instead of a lookup per item — the difference on 100k items.
    sql: `
      CREATE TABLE judgments_v4 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        item_rowid INTEGER NOT NULL REFERENCES items(rowid) ON DELETE CASCADE,
        annotator_id INTEGER NOT NULL REFERENCES annotators(id),
        ranking_json TEXT NOT NULL,
        decision TEXT,
        strength TEXT,
        time_ms INTEGER,
        shown_order_json TEXT,
        note TEXT,
        flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
        source TEXT NOT NULL CHECK (source IN ('import', 'ui', 'adjudication')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      INSERT INTO judgments_v4 SELECT id, item_rowid, annotator_id, ranking_json, decision, strength, time_ms,
        shown_order_json, note, flagged, source, created_at, updated_at FROM judgments;
      DROP TABLE judgments;
      ALTER TABLE judgments_v4 RENAME TO judgments;
      DELETE FROM sqlite_sequence WHERE name = 'judgments';
      INSERT INTO sqlite_sequence (name, seq) VALUES ('judgments', MAX(
        COALESCE((SELECT MAX(id) FROM judgments), 0), COALESCE((SELECT MAX(judgment_id) FROM judgment_history), 0)));
      CREATE UNIQUE INDEX judgments_one_per_annotator ON judgments(item_rowid, annotator_id) WHERE source <> 'adjudication';
      CREATE UNIQUE INDEX judgments_one_adjudication ON judgments(item_rowid) WHERE source = 'adjudication';
      CREATE INDEX judgments_annotator ON judgments(annotator_id);
      CREATE INDEX judgments_item_updated ON judgments(item_rowid, updated_at);

      ALTER TABLE judgment_history ADD COLUMN undone_by INTEGER;
      ALTER TABLE judgment_history ADD COLUMN undo_of INTEGER;
      CREATE INDEX judgment_history_annotator ON judgment_history(annotator_id, id);

      ALTER TABLE items ADD COLUMN judgments_n INTEGER NOT NULL DEFAULT 0;
      UPDATE items SET judgments_n = (SELECT COUNT(*) FROM judgments j WHERE j.item_rowid = items.rowid);
      CREATE TRIGGER judgments_count_insert AFTER INSERT ON judgments BEGIN
        UPDATE items SET judgments_n = judgments_n + 1 WHERE rowid = NEW.item_rowid;
      END;
      CREATE TRIGGER judgments_count_delete AFTER DELETE ON judgments BEGIN
        UPDATE items SET judgments_n = judgments_n - 1 WHERE rowid = OLD.item_rowid;
      END;
    `,
  },
  {
    version: 5,
    name: 'queue index: live items by judged count',
    // Entries are ordered (judgments_n, rowid): "nobody judged yet" in import order is an index
    // range, so the queue's first page reads 100 index entries instead of scanning the table, and
    // live-item totals count small index entries instead of whole rows. (A (split, judgments_n)
    // twin was measured: it doubled the SQLite cost of importing labelled rows for ~2 ms on a
    // split-filtered queue, which items_split already serves well.)
    sql: `
      CREATE INDEX items_live_judged ON items(judgments_n) WHERE deleted_at IS NULL;
    `,
  },
  {
    version: 6,
    name: 'runs: the studio\'s choices (preset, GPUs, splits, snapshot counts) and progress figures',
    // Progress (step, loss, best accuracy) is copied from each run's metrics.sqlite while it is
    // tailed, so the runs list reads one table instead of opening every run's database.
    // `error` keeps its column and now holds JSON {message, hint}.
    sql: `
      ALTER TABLE runs ADD COLUMN preset_id TEXT;
      ALTER TABLE runs ADD COLUMN base_model TEXT NOT NULL DEFAULT '';
      ALTER TABLE runs ADD COLUMN gpus_json TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE runs ADD COLUMN splits_json TEXT NOT NULL DEFAULT '{"train":[],"val":[]}';
      ALTER TABLE runs ADD COLUMN train_items INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE runs ADD COLUMN val_items INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE runs ADD COLUMN step INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE runs ADD COLUMN total_steps INTEGER;
      ALTER TABLE runs ADD COLUMN best_eval_accuracy REAL;
      ALTER TABLE runs ADD COLUMN last_loss REAL;
      CREATE INDEX runs_status ON runs(status);
    `,
  },
  {
    version: 7,
    name: 'evaluations: engine, scope, lifecycle and progress; per-item results for compare and the uncertain queue',
    // evaluations.split now holds the scope (a split or 'unjudged'). evaluation_items keeps, per
    // scored item, the human ranking frozen with the data and what follows from the stored scores
    // (top response, gap between the two highest scores, correct, margin), so the compare filters,
    // the margin scatter and the "most uncertain first" queue are index reads, not a pass over
    // every score on 100k items. The scores themselves stay in `scores`, one row per response.
    sql: `
      ALTER TABLE evaluations ADD COLUMN engine TEXT NOT NULL DEFAULT 'python';
      ALTER TABLE evaluations ADD COLUMN dir TEXT;
      ALTER TABLE evaluations ADD COLUMN started_at TEXT;
      ALTER TABLE evaluations ADD COLUMN finished_at TEXT;
      ALTER TABLE evaluations ADD COLUMN error TEXT;
      ALTER TABLE evaluations ADD COLUMN done INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE evaluations ADD COLUMN total INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE evaluations ADD COLUMN pid INTEGER;
      CREATE INDEX evaluations_checkpoint ON evaluations(checkpoint_id, split, engine, status);
      CREATE INDEX evaluations_status ON evaluations(status);

      CREATE TABLE evaluation_items (
        evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
        item_rowid INTEGER NOT NULL REFERENCES items(rowid) ON DELETE CASCADE,
        ranking_json TEXT,
        scored INTEGER NOT NULL DEFAULT 0 CHECK (scored IN (0, 1)),
        top_idx INTEGER,
        top_gap REAL,
        correct INTEGER CHECK (correct IN (0, 1)),
        margin REAL,
        PRIMARY KEY (evaluation_id, item_rowid)
      ) WITHOUT ROWID;
      CREATE INDEX evaluation_items_item ON evaluation_items(item_rowid);
      CREATE INDEX evaluation_items_gap ON evaluation_items(evaluation_id, top_gap) WHERE scored = 1;
    `,
  },
  {
    version: 8,
    name: 'items: tool definitions, extra columns of the source row, per-pair margin',
    // What the preference formats of other tools carry beside the conversation: the tools a
    // conversation may call (LLaMA-Factory/ms-swift `tools`), columns no reader consumes (kept so
    // exports can write them back), and OpenRLHF/TRL's per-pair `margin` for the margin loss.
    sql: `
      ALTER TABLE items ADD COLUMN tools_json TEXT;
      ALTER TABLE items ADD COLUMN metadata_json TEXT;
      ALTER TABLE items ADD COLUMN margin REAL;
    `,
  },
  {
    version: 9,
    name: 'applied_actions: client action ids already applied (idempotent replay)',
    // A browser tab keeps each annotation action until the server acknowledges it and resends it
    // after a dropped connection; the acknowledgement may be what was lost. Keeping the ids here,
    // not in memory, lets a server that restarted in between still recognise a replay.
    sql: `
      CREATE TABLE applied_actions (
        action_id TEXT PRIMARY KEY,
        command TEXT NOT NULL,
        applied_at TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 10,
    name: 'imports: the process that runs each import',
    // An import killed mid-file never writes its finish; knowing its process lets the next open
    // (or import) tell a dead one from one still running elsewhere and mark it interrupted.
    sql: `
      ALTER TABLE imports ADD COLUMN pid INTEGER;
    `,
  },
  {
    version: 11,
    name: 'team: members with hashed link secrets, versioned guidelines, the assignment plan, leases, gold items',
    // A served project's people (app/team/README.md). A member's link secret is kept only as its
    // SHA-256 (it is 192 random bits, so a slow hash adds nothing): a copied project.sqlite lets
    // nobody in. An assignment row is one person's hold on one item: active until expires_at,
    // done when they judged it; UNIQUE so nobody is handed an item twice. The guideline version
    // a judgment was made under is kept on the judgment itself, so undo restores it too.
    sql: `
      ALTER TABLE judgments ADD COLUMN guideline_version INTEGER;

      CREATE TABLE team_members (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('annotator', 'reviewer')),
        secret_sha256 TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        expires_at TEXT,
        revoked_at TEXT,
        last_seen_at TEXT,
        guidelines_seen INTEGER
      );
      CREATE UNIQUE INDEX team_members_live_name ON team_members(name) WHERE revoked_at IS NULL;

      CREATE TABLE team_guidelines (
        version INTEGER PRIMARY KEY,
        markdown TEXT NOT NULL,
        created_at TEXT NOT NULL
      );

      CREATE TABLE team_plan (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        overlap INTEGER NOT NULL CHECK (overlap >= 1),
        split TEXT CHECK (split IN ('train', 'val', 'test')),
        search TEXT,
        flagged INTEGER CHECK (flagged IN (0, 1)),
        lease_minutes INTEGER NOT NULL CHECK (lease_minutes >= 1),
        batch INTEGER NOT NULL CHECK (batch >= 1),
        gold_rate REAL NOT NULL CHECK (gold_rate >= 0 AND gold_rate <= 1),
        updated_at TEXT NOT NULL
      );

      CREATE TABLE team_assignments (
        id INTEGER PRIMARY KEY,
        item_rowid INTEGER NOT NULL REFERENCES items(rowid) ON DELETE CASCADE,
        member_id INTEGER NOT NULL REFERENCES team_members(id),
        gold INTEGER NOT NULL DEFAULT 0 CHECK (gold IN (0, 1)),
        leased_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        done_at TEXT,
        UNIQUE (item_rowid, member_id)
      );
      CREATE INDEX team_assignments_member ON team_assignments(member_id, done_at);
      CREATE INDEX team_assignments_open ON team_assignments(item_rowid, expires_at) WHERE done_at IS NULL;

      CREATE TABLE team_gold (
        item_rowid INTEGER PRIMARY KEY REFERENCES items(rowid) ON DELETE CASCADE,
        ranking_json TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
    `,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the database up to `target` (the latest by default), each migration in its own
 * transaction so a failure leaves the project at the last good version.
 */
export function applyMigrations(db: Database.Database, dbPath: string, target: number = LATEST_SCHEMA_VERSION): number {
  const current = schemaVersion(db);
  if (current > LATEST_SCHEMA_VERSION) {
    throw new StudioError(
      'bad_file',
      `${dbPath} was written by a newer Reward Studio (schema version ${current}; this version understands up to ${LATEST_SCHEMA_VERSION})`,
      'Update Reward Studio to open this project. It has not been modified.',
    );
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= current || migration.version > target) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return schemaVersion(db);
}
