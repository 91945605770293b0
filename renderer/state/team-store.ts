/**
 * Who is signed in (`team.me`): the owner (the desktop app, or the server's own token) or a team
 * member with their name and role, and the guidelines they have read. Loaded at startup beside the
 * settings (use-studio-bootstrap.ts), again after a reconnect and on `team.onChanged`. The role
 * decides which views exist (app/role-views.ts) and whether Annotate runs in member mode; the
 * server checks every command anyway, so this is what to show, not what is allowed.
 */
import { create } from 'zustand';
import type { Guidelines, Role, TeamSession } from '../client/contract-types';

/** The desktop app and the server's own token: the owner, who picks a name in Settings. */
export const OWNER_SESSION: TeamSession = { role: 'owner', name: null, memberId: null, guidelinesVersion: null, guidelinesSeen: null };

interface TeamState {
  /** False until `team.me` answered (a member must never see the owner's views flash first). */
  loaded: boolean;
  session: TeamSession;
  /** The current guidelines (null: none written, or not loaded yet). */
  guidelines: Guidelines | null;
  setSession(session: TeamSession): void;
  setGuidelines(guidelines: Guidelines | null): void;
}

export const useTeamStore = create<TeamState>((set) => ({
  loaded: false,
  session: OWNER_SESSION,
  guidelines: null,
  setSession: (session) => set({ loaded: true, session }),
  setGuidelines: (guidelines) => set({ guidelines }),
}));

export function isMember(role: Role): boolean {
  return role !== 'owner';
}

/** Whether the guidelines must be (re)read before judging: a version the member has not accepted. */
export function guidelinesUnread(session: TeamSession): boolean {
  if (!isMember(session.role) || session.guidelinesVersion === null) return false;
  return session.guidelinesSeen === null || session.guidelinesVersion > session.guidelinesSeen;
}
