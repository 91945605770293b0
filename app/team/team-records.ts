/**
 * The team tables of project.sqlite (migration 11): members, guidelines, the plan, assignments
 * and gold items. The only module that spells SQL for them (app/store/table-owners.ts); items are
 * reached through the store's pieces (`liveItemsSql`, `votesSql`, `judgedBySql`).
 */
import type Database from 'better-sqlite3';
import { judgedBySql, liveItemsSql, planItemsSql, votesSql } from '../store/item-queries';
import type { Ranking, Split } from '../store/types';
import type { AssignmentPlan, Guidelines, MemberRole, MemberStatus, TeamMember } from './types';

interface MemberRow {
  id: number;
  name: string;
  role: MemberRole;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_seen_at: string | null;
  guidelines_seen: number | null;
}

const MEMBER_COLUMNS = 'id, name, role, created_at, expires_at, revoked_at, last_seen_at, guidelines_seen';

function memberStatus(row: MemberRow, now: string): MemberStatus {
  if (row.revoked_at !== null) return 'revoked';
  if (row.expires_at !== null && row.expires_at <= now) return 'expired';
  return 'active';
}

function toMember(row: MemberRow, now: string): TeamMember {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    status: memberStatus(row, now),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastSeenAt: row.last_seen_at,
    guidelinesSeen: row.guidelines_seen,
  };
}

/** One person's hold on one item. */
export interface AssignmentRow {
  id: number;
  itemRowid: number;
  gold: boolean;
  expiresAt: string;
  doneAt: string | null;
}

/** A held (not done, lease running) assignment, or a done one: what counts as "in their queue". */
const IN_QUEUE = `(t.done_at IS NOT NULL OR t.expires_at > @now)`;

export class TeamRecords {
  constructor(private readonly db: Database.Database) {}

  // ----- members -----

  insertMember(name: string, role: MemberRole, secretSha256: string, now: string, expiresAt: string | null): TeamMember {
    const id = Number(
      this.db
        .prepare('INSERT INTO team_members (name, role, secret_sha256, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
        .run(name, role, secretSha256, now, expiresAt).lastInsertRowid,
    );
    return this.member(id, now) as TeamMember;
  }

  member(id: number, now: string): TeamMember | null {
    const row = this.db.prepare(`SELECT ${MEMBER_COLUMNS} FROM team_members WHERE id = ?`).get(id) as MemberRow | undefined;
    return row === undefined ? null : toMember(row, now);
  }

  memberBySecret(secretSha256: string, now: string): TeamMember | null {
    const row = this.db.prepare(`SELECT ${MEMBER_COLUMNS} FROM team_members WHERE secret_sha256 = ?`).get(secretSha256) as MemberRow | undefined;
    return row === undefined ? null : toMember(row, now);
  }

  /** A member who is not revoked, with this name (names of live members are unique). */
  liveMemberNamed(name: string): TeamMember | null {
    const row = this.db.prepare(`SELECT ${MEMBER_COLUMNS} FROM team_members WHERE name = ? AND revoked_at IS NULL`).get(name) as MemberRow | undefined;
    return row === undefined ? null : toMember(row, new Date().toISOString());
  }

  members(now: string): TeamMember[] {
    return (this.db.prepare(`SELECT ${MEMBER_COLUMNS} FROM team_members ORDER BY id`).all() as MemberRow[]).map((row) => toMember(row, now));
  }

  revoke(id: number, now: string): void {
    this.db.prepare('UPDATE team_members SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?').run(now, id);
  }

  touch(id: number, now: string): void {
    this.db.prepare('UPDATE team_members SET last_seen_at = ? WHERE id = ?').run(now, id);
  }

  setGuidelinesSeen(id: number, version: number): void {
    this.db.prepare('UPDATE team_members SET guidelines_seen = MAX(COALESCE(guidelines_seen, 0), ?) WHERE id = ?').run(version, id);
  }

  // ----- guidelines -----

  currentGuidelines(): Guidelines | null {
    const row = this.db.prepare('SELECT version, markdown, created_at FROM team_guidelines ORDER BY version DESC LIMIT 1').get() as
      | { version: number; markdown: string; created_at: string }
      | undefined;
    return row === undefined ? null : { version: row.version, markdown: row.markdown, createdAt: row.created_at };
  }

  /** The current version alone: read on every judgment saved, so it does not load the text. */
  currentGuidelinesVersion(): number | null {
    const row = this.db.prepare('SELECT MAX(version) AS version FROM team_guidelines').get() as { version: number | null };
    return row.version;
  }

  guidelinesHistory(): Guidelines[] {
    const rows = this.db.prepare('SELECT version, markdown, created_at FROM team_guidelines ORDER BY version DESC').all() as {
      version: number;
      markdown: string;
      created_at: string;
    }[];
    return rows.map((row) => ({ version: row.version, markdown: row.markdown, createdAt: row.created_at }));
  }

  insertGuidelines(markdown: string, now: string): Guidelines {
    const version = Number(this.db.prepare('INSERT INTO team_guidelines (markdown, created_at) VALUES (?, ?)').run(markdown, now).lastInsertRowid);
    return { version, markdown, createdAt: now };
  }

  // ----- the plan -----

  plan(): AssignmentPlan | null {
    const row = this.db.prepare('SELECT overlap, split, search, flagged, lease_minutes, batch, gold_rate FROM team_plan WHERE id = 1').get() as
      | { overlap: number; split: Split | null; search: string | null; flagged: number | null; lease_minutes: number; batch: number; gold_rate: number }
      | undefined;
    if (row === undefined) return null;
    return {
      overlap: row.overlap,
      split: row.split,
      search: row.search,
      flagged: row.flagged === null ? null : row.flagged === 1,
      leaseMinutes: row.lease_minutes,
      batch: row.batch,
      goldRate: row.gold_rate,
    };
  }

  setPlan(plan: AssignmentPlan, now: string): void {
    this.db
      .prepare(
        `INSERT INTO team_plan (id, overlap, split, search, flagged, lease_minutes, batch, gold_rate, updated_at)
         VALUES (1, @overlap, @split, @search, @flagged, @leaseMinutes, @batch, @goldRate, @now)
         ON CONFLICT(id) DO UPDATE SET overlap = excluded.overlap, split = excluded.split, search = excluded.search,
           flagged = excluded.flagged, lease_minutes = excluded.lease_minutes, batch = excluded.batch,
           gold_rate = excluded.gold_rate, updated_at = excluded.updated_at`,
      )
      .run({ ...plan, flagged: plan.flagged === null ? null : plan.flagged ? 1 : 0, now });
  }

  // ----- assignments -----

  assignment(itemRowid: number, memberId: number): AssignmentRow | null {
    const row = this.db
      .prepare('SELECT id, item_rowid, gold, expires_at, done_at FROM team_assignments WHERE item_rowid = ? AND member_id = ?')
      .get(itemRowid, memberId) as { id: number; item_rowid: number; gold: number; expires_at: string; done_at: string | null } | undefined;
    return row === undefined ? null : { id: row.id, itemRowid: row.item_rowid, gold: row.gold === 1, expiresAt: row.expires_at, doneAt: row.done_at };
  }

  /** Items this member holds now (handed out, not judged, lease running). */
  heldCount(memberId: number, now: string): number {
    return (
      this.db
        .prepare('SELECT COUNT(*) AS n FROM team_assignments WHERE member_id = ? AND done_at IS NULL AND expires_at > ?')
        .get(memberId, now) as { n: number }
    ).n;
  }

  /** Handed to this member so far (held or done), and how many of those were gold items. */
  handedCounts(memberId: number, now: string): { all: number; gold: number } {
    const row = this.db
      .prepare(`SELECT COUNT(*) AS n, COALESCE(SUM(t.gold), 0) AS g FROM team_assignments t WHERE t.member_id = @member AND ${IN_QUEUE}`)
      .get({ member: memberId, now }) as { n: number; g: number };
    return { all: row.n, gold: row.g };
  }

  /**
   * Up to `limit` items for this member under the plan, best first. Never an item they hold,
   * judged, or were handed and finished, never a gold item, never one whose votes plus running
   * holds already reach `overlap`. Items finish before new ones start, and each query reads a
   * range of an index, so a hand-out costs the same on 100 items or 100,000:
   *  1. items someone holds right now (a few per person), closest to done first;
   *  2. then, for each vote count from `overlap - 1` down to 0, items with that many judgments
   *     from this member's own place in the pool (`start`, a rowid) onwards, wrapping around —
   *     an index range over (judgments_n, rowid), so people spread over the project.
   */
  candidates(plan: AssignmentPlan, member: { id: number; name: string }, start: number, now: string, limit: number): number[] {
    const live = planItemsSql(plan);
    const taken = `(${votesSql('i')} + (SELECT COUNT(*) FROM team_assignments h WHERE h.item_rowid = i.rowid AND h.done_at IS NULL AND h.expires_at > @now))`;
    const eligible = `${live.where}
           AND NOT EXISTS (SELECT 1 FROM team_gold g WHERE g.item_rowid = i.rowid)
           AND NOT EXISTS (SELECT 1 FROM team_assignments t WHERE t.item_rowid = i.rowid AND t.member_id = @member AND ${IN_QUEUE})
           AND NOT ${judgedBySql('i', 'name')}`;
    const params = { ...live.params, overlap: plan.overlap, member: member.id, name: member.name, now, start, limit };
    const held = this.db
      .prepare(
        `SELECT i.rowid AS rowid, ${taken} AS taken FROM ${live.from}
         WHERE i.rowid IN (SELECT x.item_rowid FROM team_assignments x WHERE x.done_at IS NULL AND x.expires_at > @now)
           AND ${eligible} AND ${taken} < @overlap
         ORDER BY taken DESC, i.rowid LIMIT @limit`,
      )
      .all(params) as { rowid: number }[];
    const picked = held.map((row) => row.rowid);
    const range = this.db.prepare(
      `SELECT i.rowid AS rowid FROM ${live.from}
       WHERE i.judgments_n = @judged AND i.rowid >= @from AND i.rowid < @to AND ${eligible} AND ${votesSql('i')} < @overlap
         AND NOT EXISTS (SELECT 1 FROM team_assignments h WHERE h.item_rowid = i.rowid AND h.done_at IS NULL AND h.expires_at > @now)
       ORDER BY i.rowid LIMIT @limit`,
    );
    for (let judged = plan.overlap - 1; judged >= 0 && picked.length < limit; judged -= 1) {
      for (const [from, to] of [[start, Number.MAX_SAFE_INTEGER], [0, start]] as const) {
        if (picked.length >= limit) break;
        const rows = range.all({ ...params, judged, from, to, limit: limit - picked.length }) as { rowid: number }[];
        picked.push(...rows.map((row) => row.rowid));
      }
    }
    return picked;
  }

  /** The largest item rowid (members' starting places in the pool are spread over 1…this). */
  maxItemRowid(): number {
    const live = liveItemsSql('i', null);
    return (this.db.prepare(`SELECT COALESCE(MAX(i.rowid), 0) AS n FROM ${live.from}`).get() as { n: number }).n;
  }

  /** A gold item this member has not been handed or judged, in their own shuffle; null when none is left. */
  goldCandidate(member: { id: number; name: string }, salt: number, now: string): number | null {
    const live = liveItemsSql('i', null);
    const row = this.db
      .prepare(
        `SELECT i.rowid AS rowid FROM team_gold g JOIN ${live.from} ON i.rowid = g.item_rowid
         WHERE ${live.where}
           AND NOT EXISTS (SELECT 1 FROM team_assignments t WHERE t.item_rowid = i.rowid AND t.member_id = @member AND ${IN_QUEUE})
           AND NOT ${judgedBySql('i', 'name')}
         ORDER BY (i.rowid * 2654435761 + @salt) % 4294967291 LIMIT 1`,
      )
      .get({ ...live.params, member: member.id, name: member.name, now, salt }) as { rowid: number } | undefined;
    return row?.rowid ?? null;
  }

  /** Hands the item to the member until `expiresAt` (renewing an expired hold of theirs). */
  lease(itemRowid: number, memberId: number, gold: boolean, now: string, expiresAt: string): void {
    this.db
      .prepare(
        `INSERT INTO team_assignments (item_rowid, member_id, gold, leased_at, expires_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(item_rowid, member_id) DO UPDATE SET gold = excluded.gold, leased_at = excluded.leased_at,
           expires_at = excluded.expires_at, done_at = NULL`,
      )
      .run(itemRowid, memberId, gold ? 1 : 0, now, expiresAt);
  }

  markDone(assignmentId: number, now: string): void {
    this.db.prepare('UPDATE team_assignments SET done_at = COALESCE(done_at, ?) WHERE id = ?').run(now, assignmentId);
  }

  /** Their judgment was taken back: the item is theirs to judge again, held for another lease. */
  reopen(assignmentId: number, expiresAt: string): void {
    this.db.prepare('UPDATE team_assignments SET done_at = NULL, expires_at = ? WHERE id = ?').run(expiresAt, assignmentId);
  }

  /** Ends every hold of the member (revoked): their unjudged items go back to the pool. */
  releaseHolds(memberId: number, now: string): void {
    this.db.prepare('UPDATE team_assignments SET expires_at = ? WHERE member_id = ? AND done_at IS NULL AND expires_at > ?').run(now, memberId, now);
  }

  /** Others' running holds on the item (not done), for the "slot still free" check of a late save. */
  othersHolding(itemRowid: number, memberId: number, now: string): number {
    return (
      this.db
        .prepare('SELECT COUNT(*) AS n FROM team_assignments WHERE item_rowid = ? AND member_id <> ? AND done_at IS NULL AND expires_at > ?')
        .get(itemRowid, memberId, now) as { n: number }
    ).n;
  }

  /** Running holds per member, and how many distinct items are held. */
  holds(now: string): { byMember: Map<number, number>; items: number } {
    const rows = this.db
      .prepare('SELECT member_id AS member, COUNT(*) AS n FROM team_assignments WHERE done_at IS NULL AND expires_at > ? GROUP BY member_id')
      .all(now) as { member: number; n: number }[];
    const items = (
      this.db.prepare('SELECT COUNT(DISTINCT item_rowid) AS n FROM team_assignments WHERE done_at IS NULL AND expires_at > ?').get(now) as { n: number }
    ).n;
    return { byMember: new Map(rows.map((row) => [row.member, row.n])), items };
  }

  /** The piece `items.list` adds for a member: only items in their queue, in hand-out order. */
  queueScope(memberId: number, now: string): { where: string; params: Record<string, string | number>; ordering: { join: string; key: string; orderBy: string } } {
    return {
      where: `i.rowid IN (SELECT t.item_rowid FROM team_assignments t WHERE t.member_id = @team_member AND (t.done_at IS NOT NULL OR t.expires_at > @team_now))`,
      params: { team_member: memberId, team_now: now },
      ordering: { join: 'JOIN team_assignments ta ON ta.item_rowid = i.rowid AND ta.member_id = @team_member', key: 'ta.id', orderBy: 'ta.id' },
    };
  }

  /** Items counted against the plan: live items of its split and filter that are not gold, by votes. */
  scopeCounts(plan: AssignmentPlan): { inScope: number; complete: number; partial: number } {
    const live = planItemsSql(plan);
    const row = this.db
      .prepare(
        `SELECT COUNT(*) AS n, COALESCE(SUM(v >= @overlap), 0) AS complete, COALESCE(SUM(v > 0 AND v < @overlap), 0) AS partial
         FROM (SELECT ${votesSql('i')} AS v FROM ${live.from} WHERE ${live.where}
               AND NOT EXISTS (SELECT 1 FROM team_gold g WHERE g.item_rowid = i.rowid))`,
      )
      .get({ ...live.params, overlap: plan.overlap }) as { n: number; complete: number; partial: number };
    return { inScope: row.n, complete: row.complete, partial: row.partial };
  }

  // ----- gold -----

  gold(): { itemRowid: number; ranking: Ranking; createdAt: string }[] {
    const rows = this.db.prepare('SELECT item_rowid, ranking_json, created_at FROM team_gold ORDER BY created_at, item_rowid').all() as {
      item_rowid: number;
      ranking_json: string;
      created_at: string;
    }[];
    return rows.map((row) => ({ itemRowid: row.item_rowid, ranking: JSON.parse(row.ranking_json) as Ranking, createdAt: row.created_at }));
  }

  setGold(itemRowid: number, ranking: Ranking, now: string): void {
    this.db
      .prepare(
        `INSERT INTO team_gold (item_rowid, ranking_json, created_at) VALUES (?, ?, ?)
         ON CONFLICT(item_rowid) DO UPDATE SET ranking_json = excluded.ranking_json`,
      )
      .run(itemRowid, JSON.stringify(ranking), now);
  }

  clearGold(itemRowid: number): boolean {
    return this.db.prepare('DELETE FROM team_gold WHERE item_rowid = ?').run(itemRowid).changes > 0;
  }
}
