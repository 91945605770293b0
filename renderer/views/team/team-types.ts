/**
 * The team records as the Team view uses them, derived from the contract's results (so a changed
 * result breaks the type check here). Kept beside the view rather than in client/contract-types.ts
 * while the team domain settles; they can move there unchanged.
 */
import type { CommandInput, CommandResult } from '../../client/contract-types';

export type TeamSession = CommandResult<'team.me'>;
export type TeamRole = TeamSession['role'];
export type TeamMember = CommandResult<'team.members'>[number];
export type MemberRole = TeamMember['role'];
export type MemberStatus = TeamMember['status'];
export type TeamInvite = CommandResult<'team.invite'>;
export type AssignmentPlan = CommandResult<'team.plan'>;
export type Guidelines = CommandResult<'team.guidelinesHistory'>[number];
export type GoldItem = CommandResult<'team.gold'>[number];
export type TeamProgress = CommandResult<'team.progress'>;
export type MemberProgress = TeamProgress['members'][number];
export type ProjectProgress = TeamProgress['project'];
export type GoldScore = MemberProgress['gold'];
export type InviteInput = CommandInput<'team.invite'>;
