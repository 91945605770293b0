/** Revoking is immediate and final for that link, so it is confirmed first and says what happens. */
import { useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { ModalDialog } from '../../components/modal-dialog';
import { toastError, toastSuccess } from '../../state/toast-store';
import type { TeamMember } from './team-types';

export interface RevokeDialogProps {
  member: TeamMember;
  onClose: () => void;
  onRevoked: (member: TeamMember) => void;
}

export function RevokeDialog({ member, onClose, onRevoked }: RevokeDialogProps) {
  const client = useStudioClient();
  const [running, setRunning] = useState(false);

  async function revoke(): Promise<void> {
    setRunning(true);
    try {
      const revoked = await client.invoke('team.revoke', { memberId: member.id });
      toastSuccess(`${member.name}'s link no longer works.`);
      onRevoked(revoked);
    } catch (failure) {
      toastError(failure, `Revoking ${member.name}`);
      setRunning(false);
    }
  }

  return (
    <ModalDialog title={`Revoke ${member.name}?`} testId="team-revoke-dialog" onClose={running ? null : onClose}>
      <div className="stack">
        <p className="small">
          {member.name}'s link stops working at once: an open studio page is disconnected, and the items they hold go back to the pool. Their judgments so far
          stay. To let them back in, invite them again (they get a new link).
        </p>
        <div className="row end">
          <button type="button" className="button" disabled={running} data-autofocus onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="button danger" disabled={running} data-testid="team-revoke-confirm" onClick={() => void revoke()}>
            {running ? 'Revoking…' : 'Revoke link'}
          </button>
        </div>
      </div>
    </ModalDialog>
  );
}
