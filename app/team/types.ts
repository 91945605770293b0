/**
 * The team domain's records as they cross the contract (plain JSON). See app/team/README.md.
 */
import type { Ranking, Split } from '../store/types';

/** Who may do what: an annotator judges their own queue, a reviewer also adjudicates, the owner does everything. */
export type Role = 'annotator' | 'reviewer' | 'owner';
export type MemberRole = Exclude<Role, 'owner'>;

export const ROLE_RANK: Readonly<Record<Role, number>> = { annotator: 0, reviewer: 1, owner: 2 };

export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[needed];
}

export type MemberStatus = 'active' | 'revoked' | 'expired';

export interface TeamMember {
  id: number;
  name: string;
  role: MemberRole;
  status: MemberStatus;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  /** The last time the member's link was used (a page load or a command). */
  lastSeenAt: string | null;
  /** The guidelines version the member last read and accepted; null: never. */
  guidelinesSeen: number | null;
}

/** An invite: the member, and the link secret — shown once, kept only as its hash. */
export interface TeamInvite {
  member: TeamMember;
  secret: string;
}

/** How items are handed out (one plan per project). */
export interface AssignmentPlan {
  /** How many distinct people judge each item. */
  overlap: number;
  /** Only items of this split are handed out; null: every split. */
  split: Split | null;
  /** Only items whose query or a response contains this text (as the Items search); null: all. */
  search: string | null;
  /** Only flagged items (true), only unflagged ones (false), or both (null). */
  flagged: boolean | null;
  /** A handed-out item is held this long; unjudged after that, it goes back to the pool. */
  leaseMinutes: number;
  /** Items held at once per person (the current one and the next few, fetched ahead). */
  batch: number;
  /** Share of handed-out items that are gold items (0 = none), mixed in unmarked. */
  goldRate: number;
}

export const DEFAULT_PLAN: AssignmentPlan = { overlap: 2, split: null, search: null, flagged: null, leaseMinutes: 30, batch: 5, goldRate: 0 };

export interface Guidelines {
  version: number;
  markdown: string;
  createdAt: string;
}

export interface GoldItem {
  itemId: string;
  ranking: Ranking;
  createdAt: string;
}

/** What a signed-in person is: the owner (server token, desktop app) or a member. */
export interface TeamSession {
  role: Role;
  /** The member's name (judgments are recorded under it); null for the owner, who picks a name in Settings. */
  name: string | null;
  memberId: number | null;
  /** The current guidelines version (null: none written) and the one this person accepted. */
  guidelinesVersion: number | null;
  guidelinesSeen: number | null;
}

export interface GoldScore {
  answered: number;
  correct: number;
}

export interface MemberProgress {
  /** Null for people who are not members (the owner, imported annotators). */
  memberId: number | null;
  name: string;
  role: Role | null;
  status: MemberStatus | null;
  judgedToday: number;
  judgedTotal: number;
  /** Items handed to them and not judged yet, lease still running. */
  holding: number;
  medianSeconds: number | null;
  gold: GoldScore;
  /** Mean Cohen's kappa with each other annotator, weighted by items shared (app/annotation/agreement.ts). */
  kappa: number | null;
  percentAgreement: number | null;
  /** Two-response items they share with someone else. */
  sharedItems: number;
  lastJudgedAt: string | null;
}

export interface TeamProgress {
  plan: AssignmentPlan;
  members: MemberProgress[];
  project: {
    /** Live items the plan hands out (its split; gold items aside). */
    itemsInScope: number;
    /** Items with `overlap` or more judgments. */
    itemsComplete: number;
    /** Items with some judgments, fewer than `overlap`. */
    itemsPartial: number;
    /** Items held by someone right now (a running lease, not judged yet). */
    itemsHeld: number;
    /** Annotators disagree and no reviewer adjudicated. */
    conflictsWaiting: number;
    goldItems: number;
    /** Krippendorff's alpha on ranked items, Light's kappa on pairs (project-wide). */
    kappa: number | null;
    alpha: number | null;
  };
}
