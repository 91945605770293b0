import type { Handlers } from '../../rpc/router';
import { readUserSettings } from '../../store/user-settings';
import type { TeamSession } from '../../team/types';
import { personalProgress, teamProgress } from '../../team/team-progress';
import type { Studio } from '../studio';

type TeamHandlers = Pick<Handlers, Extract<keyof Handlers, `team.${string}`>>;

/** The owner's session: no member, the name from Settings, nothing to accept. */
function ownerSession(studio: Studio): TeamSession {
  const version = studio.teamIfOpen()?.guidelinesVersion() ?? null;
  return { role: 'owner', name: null, memberId: null, guidelinesVersion: version, guidelinesSeen: version };
}

/** The team commands as the owner calls them (members: member-handlers.ts narrows the few they may call). */
export function teamHandlers(studio: Studio): TeamHandlers {
  const changed = (what: 'members' | 'plan' | 'guidelines' | 'gold') => studio.events.emit('team.onChanged', { what });
  return {
    'team.me': () => ownerSession(studio),
    'team.members': () => studio.team().members(),
    'team.invite': ({ name, role, expiresInHours }) => {
      const invite = studio.team().invite(name, role, expiresInHours);
      changed('members');
      return invite;
    },
    'team.revoke': ({ memberId }) => {
      const member = studio.team().revoke(memberId);
      // The WebSocket binding closes the member's connections on this event (app/server).
      changed('members');
      return member;
    },
    'team.plan': () => studio.team().plan(),
    'team.setPlan': (plan) => {
      const saved = studio.team().setPlan(plan);
      changed('plan');
      return saved;
    },
    'team.guidelines': () => studio.team().guidelines(),
    'team.guidelinesHistory': () => studio.team().records.guidelinesHistory(),
    'team.setGuidelines': ({ markdown }) => {
      const saved = studio.team().setGuidelines(markdown);
      changed('guidelines');
      return saved;
    },
    'team.acceptGuidelines': () => ownerSession(studio),
    'team.gold': () => studio.team().gold(),
    'team.setGold': ({ itemId, ranking }) => {
      const gold = studio.team().setGold(itemId, ranking);
      changed('gold');
      return gold;
    },
    'team.clearGold': ({ itemId }) => {
      const removed = studio.team().clearGold(itemId);
      if (removed) changed('gold');
      return { removed };
    },
    'team.progress': () => teamProgress(studio.team(), studio.project()),
    'team.myProgress': () => {
      const name = readUserSettings().annotator ?? '';
      return personalProgress(studio.team(), studio.project(), name, null);
    },
  };
}
