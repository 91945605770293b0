/**
 * Which views each role sees. The owner sees every view; a member sees only the ones listed for
 * their role, so a view added later stays hidden from members until someone lists it here (the
 * server refuses the owner's commands to members anyway: hiding is a courtesy, not the check).
 */
import type { MemberRole, Role } from '../client/contract-types';
import { VIEW_IDS, type ViewId } from '../state/route-store';

const MEMBER_VIEWS: Readonly<Record<MemberRole, readonly ViewId[]>> = {
  annotator: ['annotate'],
  // Adjudication lives in Agreement; Team shows them the progress and the guidelines, read-only.
  reviewer: ['annotate', 'agreement', 'team'],
};

/** Where a member lands, and where a hidden view sends them. */
export const MEMBER_HOME: ViewId = 'annotate';

export function viewsFor(role: Role): readonly ViewId[] {
  if (role === 'owner') return VIEW_IDS;
  const allowed = MEMBER_VIEWS[role];
  return VIEW_IDS.filter((id) => allowed.includes(id));
}

/** The view to show for a requested one: itself when the role may see it, else Annotate. */
export function allowedView(role: Role, view: ViewId): ViewId {
  return viewsFor(role).includes(view) ? view : MEMBER_HOME;
}
