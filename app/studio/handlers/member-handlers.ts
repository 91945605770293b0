/**
 * What the commands a team member may call do for them (app/team/command-roles.ts says which):
 * an annotator sees and changes only the items handed to them, a reviewer's Annotate queue is
 * theirs too, and everything is recorded under the member their link belongs to. The router
 * sends a member's call here instead of to the owner's handler when one is defined.
 */
import type { Handlers, MemberHandlers } from '../../rpc/router';
import type { MemberIdentity } from '../../team/team';
import { personalProgress } from '../../team/team-progress';
import type { TeamSession } from '../../team/types';
import type { Studio } from '../studio';
import { memberJudgmentHandlers } from './judgment-handlers';

function memberSession(studio: Studio, member: MemberIdentity): TeamSession {
  const team = studio.team();
  const record = team.records.member(member.id, new Date().toISOString());
  return {
    role: member.role,
    name: member.name,
    memberId: member.id,
    guidelinesVersion: team.guidelinesVersion(),
    guidelinesSeen: record?.guidelinesSeen ?? null,
  };
}

/** Annotators reach only items handed to them; reviewers read any item (they adjudicate). */
function checkItemAccess(studio: Studio, member: MemberIdentity, ids: readonly string[]): void {
  if (member.role !== 'annotator') return;
  const team = studio.team();
  for (const id of ids) team.assignmentFor(member, id);
}

/** `handlers`: the owner's table, for the commands that, once access is checked, do the same for a member. */
export function memberHandlers(studio: Studio, handlers: Handlers): MemberHandlers {
  return {
    'environment.settings': (_args, member) => ({ annotator: member.name }),
    'items.list': (query, member) => {
      const store = studio.project();
      const team = studio.team();
      // A reviewer browses the project freely; their Annotate queue (order 'queue') is handed out like anyone's.
      if (member.role !== 'annotator' && query.order !== 'queue') return store.listItems(query);
      if (query.order !== 'id') team.handOut(member);
      return store.listItemsWithin({ ...query, order: 'queue', annotator: member.name }, team.records.queueScope(member.id, new Date().toISOString()));
    },
    'items.get': ({ id }, member) => {
      checkItemAccess(studio, member, [id]);
      return studio.project().getItem(id, member.name);
    },
    'items.setFlag': (args, member) => {
      checkItemAccess(studio, member, args.ids);
      return handlers['items.setFlag'](args);
    },
    'items.setNote': (args, member) => {
      checkItemAccess(studio, member, [args.id]);
      return handlers['items.setNote'](args);
    },
    ...memberJudgmentHandlers(studio),
    'team.me': (_args, member) => memberSession(studio, member),
    'team.acceptGuidelines': ({ version }, member) => {
      studio.team().acceptGuidelines(member.id, version);
      return memberSession(studio, member);
    },
    'team.myProgress': (_args, member) => {
      const record = studio.team().records.member(member.id, new Date().toISOString());
      return personalProgress(studio.team(), studio.project(), member.name, record);
    },
  };
}
