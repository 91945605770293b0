import { z } from 'zod';
import type { AssignmentPlan, GoldItem, Guidelines, MemberProgress, TeamInvite, TeamMember, TeamProgress, TeamSession } from '../team/types';
import { command, event } from './define';
import { itemId, splitName } from './items';
import { ranking } from './judgments';

export const memberRole = z.enum(['annotator', 'reviewer']);
export const memberId = z.number().int().min(1);

/**
 * The team of a served project (app/team/README.md). Who may call each command is in
 * app/team/command-roles.ts; the server checks it on every call.
 */
export const teamCommands = {
  /** Who the caller is: owner, or a member with their name and role, and the guidelines they accepted. */
  'team.me': command<TeamSession>()(z.object({})),
  'team.members': command<TeamMember[]>()(z.object({})),
  /** A new member and their link secret (shown once; only its hash is kept). */
  'team.invite': command<TeamInvite>()(
    z.object({
      name: z.string().trim().min(1).max(100),
      role: memberRole,
      /** Hours the link works; absent: until revoked. */
      expiresInHours: z.number().min(0.01).max(24 * 365).optional(),
    }),
  ),
  /** The link stops working at once: open connections are closed and held items go back to the pool. */
  'team.revoke': command<TeamMember>()(z.object({ memberId })),
  'team.plan': command<AssignmentPlan>()(z.object({})),
  'team.setPlan': command<AssignmentPlan>()(
    z.object({
      overlap: z.number().int().min(1).max(50),
      split: splitName.nullable(),
      /** Only items matching this text (query or responses) are handed out; absent or null: all. */
      search: z.string().trim().max(500).nullable().optional().transform((value) => (value ? value : null)),
      /** Only flagged (true) or unflagged (false) items; absent or null: both. */
      flagged: z.boolean().nullable().optional().transform((value) => value ?? null),
      leaseMinutes: z.number().int().min(1).max(7 * 24 * 60),
      batch: z.number().int().min(1).max(100),
      goldRate: z.number().min(0).max(1),
    }),
  ),
  /** The current guidelines (null: none written yet). */
  'team.guidelines': command<Guidelines | null>()(z.object({})),
  'team.guidelinesHistory': command<Guidelines[]>()(z.object({})),
  /** Saves a new version; judgments made from now on record it. */
  'team.setGuidelines': command<Guidelines>()(z.object({ markdown: z.string().max(200_000) })),
  /** The signed-in member read this version (shown again when a newer one is written). */
  'team.acceptGuidelines': command<TeamSession>()(z.object({ version: z.number().int().min(1) })),
  'team.gold': command<GoldItem[]>()(z.object({})),
  /** Marks an item as gold with its known answer (`ranking` as in judgments.save). */
  'team.setGold': command<GoldItem>()(z.object({ itemId, ranking })),
  'team.clearGold': command<{ removed: boolean }>()(z.object({ itemId })),
  /** Per member and per project; refetch on `judgments.onChanged` / `team.onChanged`. */
  'team.progress': command<TeamProgress>()(z.object({})),
  /** The caller's own figures (an annotator sees only these). */
  'team.myProgress': command<MemberProgress>()(z.object({})),
};

export const teamEvents = {
  /** Members, the plan, the guidelines or the gold items changed. */
  'team.onChanged': event<{ what: 'members' | 'plan' | 'guidelines' | 'gold' }>(),
};

export type { AssignmentPlan, GoldItem, Guidelines, MemberProgress, Role, TeamInvite, TeamMember, TeamProgress, TeamSession } from '../team/types';
