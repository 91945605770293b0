/** The owner invites a person: a name, a role, and optionally how many hours the link works. */
import { useId, useState, type FormEvent } from 'react';
import { useStudioClient } from '../../client/client-context';
import { SelectField } from '../../components/select-field';
import { toastError } from '../../state/toast-store';
import { parseExpiryHours } from './team-format';
import type { MemberRole, TeamInvite } from './team-types';

const ROLE_OPTIONS = [
  { value: 'annotator', label: 'Annotator' },
  { value: 'reviewer', label: 'Reviewer' },
] as const;

const ROLE_HELP: Record<MemberRole, string> = {
  annotator: 'An annotator judges the items handed to them, and sees only their own figures.',
  reviewer: 'A reviewer judges too, settles conflicts in Agreement, and sees the team’s progress.',
};

export function InviteForm({ onInvited }: { onInvited: (invite: TeamInvite) => void }) {
  const client = useStudioClient();
  const nameId = useId();
  const expiryId = useId();
  const [name, setName] = useState('');
  const [role, setRole] = useState<MemberRole>('annotator');
  const [expiry, setExpiry] = useState('');
  const [sending, setSending] = useState(false);

  const hours = parseExpiryHours(expiry);
  const nameMissing = name.trim() === '';
  const expiryProblem = hours === null ? 'Expiry is a number of hours (at least 0.01, at most a year), or empty for no expiry.' : null;

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (nameMissing || hours === null) return;
    setSending(true);
    try {
      const invite = await client.invoke('team.invite', { name: name.trim(), role, ...(hours !== undefined ? { expiresInHours: hours } : {}) });
      setName('');
      setExpiry('');
      onInvited(invite);
    } catch (failure) {
      toastError(failure, `Inviting ${name.trim()}`);
    } finally {
      setSending(false);
    }
  }

  return (
    <form className="stack" onSubmit={(event) => void submit(event)} data-testid="team-invite-form">
      <div className="row wrap team-invite-row">
        <div className="field team-name-field">
          <label className="field-label" htmlFor={nameId}>
            Name
          </label>
          <input
            id={nameId}
            className="input"
            value={name}
            maxLength={100}
            placeholder="e.g. Ada"
            disabled={sending}
            data-testid="team-invite-name"
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <SelectField label="Role" value={role} options={ROLE_OPTIONS} onChange={setRole} testId="team-invite-role" disabled={sending} />
        <div className="field team-expiry-field">
          <label className="field-label" htmlFor={expiryId}>
            Expiry (hours)
          </label>
          <input
            id={expiryId}
            className="input num"
            type="number"
            min={0.01}
            step="any"
            value={expiry}
            placeholder="never"
            disabled={sending}
            data-testid="team-invite-expiry"
            onChange={(event) => setExpiry(event.target.value)}
          />
        </div>
        <div className="field field-action">
          <button type="submit" className="button primary" disabled={nameMissing || expiryProblem !== null || sending} data-testid="team-invite-submit">
            {sending ? 'Inviting…' : 'Invite'}
          </button>
        </div>
      </div>
      {expiryProblem !== null ? (
        <p className="small danger">{expiryProblem}</p>
      ) : (
        <p className="small muted">
          {ROLE_HELP[role]} An empty expiry means the link works until you revoke it.
        </p>
      )}
    </form>
  );
}
