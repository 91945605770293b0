/**
 * Who is calling a contract command: the owner (the desktop app, or whoever holds the server's
 * own token) or a team member signed in through their link. Transports decide it once per
 * connection; the router checks it on every call (app/rpc/router.ts).
 */
import type { MemberIdentity } from './team';
import type { MemberRole } from './types';

export type Caller = { role: 'owner'; member: null } | { role: MemberRole; member: MemberIdentity };

export const OWNER: Caller = { role: 'owner', member: null };

export function memberCaller(member: MemberIdentity): Caller {
  return { role: member.role, member };
}
