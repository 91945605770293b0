/** People (owner): invite someone, see the one-time link, the members and their state, revoke a link. */
import { useState } from 'react';
import { Panel } from '../../components/panel';
import { useProjectStore } from '../../state/project-store';
import { InviteForm } from './invite-form';
import { InviteLink } from './invite-link';
import { MembersTable } from './members-table';
import { RevokeDialog } from './revoke-dialog';
import { useNow } from './use-now';
import { useTeamData } from './use-team-data';
import type { TeamInvite, TeamMember } from './team-types';

export function PeoplePanel({ guidelinesVersion }: { guidelinesVersion: number | null }) {
  const members = useTeamData('team.members', { team: ['members', 'guidelines'], judgments: true });
  const host = useProjectStore((state) => state.environment?.host ?? 'browser');
  const [invite, setInvite] = useState<TeamInvite | null>(null);
  const [revoking, setRevoking] = useState<TeamMember | null>(null);
  const now = useNow();

  const active = members.data?.filter((member) => member.status === 'active').length ?? 0;

  return (
    <Panel title="People" testId="team-people" aside={members.data ? <span className="small muted">{active} active</span> : undefined}>
      <div className="stack">
        <InviteForm
          onInvited={(next) => {
            setInvite(next);
            members.reload();
          }}
        />
        {invite && <InviteLink invite={invite} host={host} origin={window.location.origin} onDismiss={() => setInvite(null)} />}
        {members.error ? (
          <p className="small danger" data-testid="team-members-error">
            Could not read the members: {members.error.message}{' '}
            <button type="button" className="button small" onClick={members.reload}>
              Try again
            </button>
          </p>
        ) : members.data === undefined ? (
          <p className="small muted">Loading members…</p>
        ) : (
          <MembersTable members={members.data} guidelinesVersion={guidelinesVersion} now={now} onRevoke={setRevoking} />
        )}
      </div>
      {revoking && (
        <RevokeDialog
          member={revoking}
          onClose={() => setRevoking(null)}
          onRevoked={() => {
            setRevoking(null);
            members.reload();
          }}
        />
      )}
    </Panel>
  );
}
