/**
 * The team of one open project (app/team/README.md): members and their links, the guidelines,
 * the assignment plan and its hand-out, gold items. One instance per open project, made by the
 * studio on first use; every write is one transaction on the project's connection, and the
 * process is single-threaded, so a hand-out can never race another.
 */
import { createHash, randomBytes } from 'node:crypto';
import { StudioError } from '../errors';
import { liveItemRowid } from '../store/item-queries';
import type { ProjectStore } from '../store/project-store';
import { rankingProblem } from '../store/ranking-rules';
import type { Ranking } from '../store/types';
import { TeamRecords, type AssignmentRow } from './team-records';
import { DEFAULT_PLAN, type AssignmentPlan, type GoldItem, type Guidelines, type MemberRole, type TeamInvite, type TeamMember } from './types';

/** Who a member's connection belongs to; the project folder pins it to the project that issued the link. */
export interface MemberIdentity {
  id: number;
  name: string;
  role: MemberRole;
  projectDir: string;
}

/** `last_seen_at` is written at most this often per member (not on every key press). */
const TOUCH_EVERY_MS = 60_000;

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

function addMinutes(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}

/** A member's own shuffle of the pool: a stable number from their id (not secret, just spread). */
function memberSalt(memberId: number): number {
  return Number.parseInt(createHash('sha256').update(`member:${memberId}`).digest('hex').slice(0, 8), 16);
}

/** A stable per-person order of a few ids (their hash with the person's salt). */
function shuffled(ids: readonly number[], salt: number): number[] {
  const key = (id: number) => createHash('sha256').update(`${salt}:${id}`).digest().readUInt32BE(0);
  return [...ids].sort((a, b) => key(a) - key(b));
}

export class Team {
  readonly records: TeamRecords;
  private readonly touched = new Map<number, number>();

  constructor(private readonly store: ProjectStore) {
    this.records = new TeamRecords(store.db);
  }

  // ----- members and links -----

  /** The member a link secret belongs to, while it works (not revoked, not expired); null otherwise. */
  identify(secret: string): MemberIdentity | null {
    const member = this.records.memberBySecret(hashSecret(secret), new Date().toISOString());
    if (member === null || member.status !== 'active') return null;
    this.touch(member.id);
    return { id: member.id, name: member.name, role: member.role, projectDir: this.store.dir };
  }

  /** The member again, as the database says now: null once revoked or expired (checked on every call). */
  stillActive(identity: MemberIdentity): MemberIdentity | null {
    if (identity.projectDir !== this.store.dir) return null;
    const member = this.records.member(identity.id, new Date().toISOString());
    if (member === null || member.status !== 'active') return null;
    this.touch(member.id);
    return { ...identity, name: member.name, role: member.role };
  }

  members(): TeamMember[] {
    return this.records.members(new Date().toISOString());
  }

  invite(name: string, role: MemberRole, expiresInHours?: number): TeamInvite {
    const clean = name.trim();
    if (this.records.liveMemberNamed(clean) !== null) {
      throw new StudioError('already_exists', `${clean} is already on the team.`, 'Revoke their old link first, or invite them under another name.');
    }
    const now = new Date().toISOString();
    const expiresAt = expiresInHours === undefined ? null : addMinutes(now, expiresInHours * 60);
    // 192 random bits: as strong as the server's own token; only the hash is stored.
    const secret = randomBytes(24).toString('base64url');
    const member = this.records.insertMember(clean, role, hashSecret(secret), now, expiresAt);
    return { member, secret };
  }

  /** The link stops working and the member's unjudged items go back to the pool. */
  revoke(memberId: number): TeamMember {
    const now = new Date().toISOString();
    this.store.db.transaction(() => {
      if (this.records.member(memberId, now) === null) throw memberNotFound(memberId);
      this.records.revoke(memberId, now);
      this.records.releaseHolds(memberId, now);
    })();
    return this.records.member(memberId, now) as TeamMember;
  }

  private touch(memberId: number): void {
    const now = Date.now();
    if (now - (this.touched.get(memberId) ?? 0) < TOUCH_EVERY_MS) return;
    this.touched.set(memberId, now);
    this.records.touch(memberId, new Date(now).toISOString());
  }

  // ----- guidelines -----

  guidelines(): Guidelines | null {
    return this.records.currentGuidelines();
  }

  guidelinesVersion(): number | null {
    return this.records.currentGuidelinesVersion();
  }

  setGuidelines(markdown: string): Guidelines {
    return this.records.insertGuidelines(markdown, new Date().toISOString());
  }

  acceptGuidelines(memberId: number, version: number): void {
    const current = this.guidelinesVersion();
    if (current === null || version > current) {
      throw new StudioError('invalid_input', `there is no guidelines version ${version}`, 'Reload the page to read the current guidelines.');
    }
    this.records.setGuidelinesSeen(memberId, version);
  }

  // ----- the plan and the hand-out -----

  plan(): AssignmentPlan {
    return this.records.plan() ?? DEFAULT_PLAN;
  }

  setPlan(plan: AssignmentPlan): AssignmentPlan {
    this.records.setPlan(plan, new Date().toISOString());
    return this.plan();
  }

  /**
   * Tops the member's holds up to the plan's batch: gold items at the plan's rate (each person
   * answers each gold item once), the rest from the pool — items with fewer than `overlap` votes
   * plus running holds, never one they already had. Returns how many were handed out.
   */
  handOut(member: MemberIdentity): number {
    const plan = this.plan();
    return this.store.db.transaction((): number => {
      const now = new Date().toISOString();
      const expiresAt = addMinutes(now, plan.leaseMinutes);
      const salt = memberSalt(member.id);
      const wanted = plan.batch - this.records.heldCount(member.id, now);
      if (wanted <= 0) return 0;
      const counts = this.records.handedCounts(member.id, now);
      // Each person starts at their own place in the pool; the batch is shuffled for them.
      const start = 1 + (salt % Math.max(1, this.records.maxItemRowid()));
      const pool = shuffled(this.records.candidates(plan, member, start, now, wanted), salt);
      let handed = 0;
      let next = 0;
      while (handed < wanted) {
        // A gold item whenever handing one keeps this person's gold share within the rate.
        const goldDue = plan.goldRate > 0 && counts.gold + 1 <= (counts.all + 1) * plan.goldRate + 1e-9;
        const gold = goldDue ? this.records.goldCandidate(member, salt, now) : null;
        const rowid = gold ?? pool[next++] ?? null;
        if (rowid === null) break;
        this.records.lease(rowid, member.id, gold !== null, now, expiresAt);
        counts.all += 1;
        if (gold !== null) counts.gold += 1;
        handed += 1;
      }
      return handed;
    })();
  }

  /** The member's hold on an item, or why they may not touch it. */
  assignmentFor(member: MemberIdentity, itemId: string): AssignmentRow {
    const rowid = liveItemRowid(this.store.db, itemId);
    const assignment = rowid === undefined ? null : this.records.assignment(rowid, member.id);
    if (assignment === null) {
      throw new StudioError('forbidden', `Item "${itemId}" is not in your queue.`, 'Judge the items Annotate shows you; the project owner decides who judges what.');
    }
    return assignment;
  }

  /**
   * Runs `save` (the judgment write) if the member may still judge the item, and marks their
   * hold done in the same transaction. A hold that ran out counts only while the item still
   * needs a vote: otherwise someone else took the slot and a save would exceed the overlap.
   */
  saveAssigned<T>(member: MemberIdentity, itemId: string, save: () => T): T {
    return this.store.db.transaction((): T => {
      const now = new Date().toISOString();
      const assignment = this.assignmentFor(member, itemId);
      if (assignment.doneAt === null && assignment.expiresAt <= now && !assignment.gold) {
        const item = this.store.getItem(itemId, member.name);
        const votes = item.judgments.filter((j) => j.source !== 'adjudication').length;
        if (votes + this.records.othersHolding(assignment.itemRowid, member.id, now) >= this.plan().overlap) {
          throw new StudioError('forbidden', `Your hold on item "${itemId}" ran out and it went to someone else.`, 'Go on with the next item; nothing else was lost.');
        }
      }
      const result = save();
      this.records.markDone(assignment.id, now);
      return result;
    })();
  }

  /** After an undo or delete took the member's judgment back: the item is theirs to judge again. */
  reopenIfUnjudged(member: MemberIdentity, itemId: string): void {
    const rowid = liveItemRowid(this.store.db, itemId);
    if (rowid === undefined) return;
    const assignment = this.records.assignment(rowid, member.id);
    if (assignment === null || assignment.doneAt === null) return;
    const mine = this.store.getItem(itemId).judgments.some((j) => j.annotator === member.name && j.source !== 'adjudication');
    if (!mine) this.records.reopen(assignment.id, addMinutes(new Date().toISOString(), this.plan().leaseMinutes));
  }

  // ----- gold items -----

  gold(): GoldItem[] {
    const rows = this.records.gold();
    const ids = this.store.itemIdsByRowid(rows.map((row) => row.itemRowid));
    return rows.flatMap((row) => {
      const itemId = ids.get(row.itemRowid);
      return itemId === undefined ? [] : [{ itemId, ranking: row.ranking, createdAt: row.createdAt }];
    });
  }

  setGold(itemId: string, ranking: Ranking): GoldItem {
    const item = this.store.getItem(itemId);
    const problem = rankingProblem(ranking, item.responses.length);
    if (problem !== null) throw new StudioError('invalid_input', `item "${itemId}": ${problem}`, 'Rank every response once, 0 = best.');
    const rowid = liveItemRowid(this.store.db, itemId) as number;
    const now = new Date().toISOString();
    this.records.setGold(rowid, ranking, now);
    return { itemId, ranking, createdAt: now };
  }

  clearGold(itemId: string): boolean {
    const rowid = liveItemRowid(this.store.db, itemId);
    return rowid === undefined ? false : this.records.clearGold(rowid);
  }
}

function memberNotFound(memberId: number): StudioError {
  return new StudioError('not_found', `No team member has id ${memberId}.`, 'Reload the Team view.');
}
