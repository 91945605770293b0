/**
 * The link of a new invite, shown once: the server keeps only a hash of the secret, so closing
 * this box loses it (revoke and invite again). In the browser the link is this studio's address;
 * in the desktop app nothing is served yet, so the link is spelled with the serve URL to fill in.
 */
import { useId, useRef, useState } from 'react';
import { toastSuccess } from '../../state/toast-store';
import { inviteLink, SERVE_URL_PLACEHOLDER } from './team-format';
import type { TeamInvite } from './team-types';

export interface InviteLinkProps {
  invite: TeamInvite;
  host: 'browser' | 'electron';
  /** This page's origin (browser mode). */
  origin: string;
  onDismiss: () => void;
}

export function InviteLink({ invite, host, origin, onDismiss }: InviteLinkProps) {
  const field = useRef<HTMLInputElement>(null);
  const fieldId = useId();
  const [copied, setCopied] = useState(false);
  const link = inviteLink(host === 'browser' ? origin : SERVE_URL_PLACEHOLDER, invite.secret);

  async function copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(link);
      setCopied(true);
      toastSuccess(`Link for ${invite.member.name} copied.`);
    } catch {
      // No clipboard (plain http, a denied permission): select it so Ctrl+C copies it.
      field.current?.focus();
      field.current?.select();
    }
  }

  return (
    <div className="callout team-invite-link" role="status" data-testid="team-invite-link">
      <p className="small">
        <strong>{invite.member.name}</strong> is invited as {invite.member.role === 'reviewer' ? 'a reviewer' : 'an annotator'}. Send them this link. It is shown
        only once: the studio keeps no copy of it.
      </p>
      {host === 'electron' && (
        <p className="small muted" data-testid="team-invite-serve-note">
          Members reach this project through <code>reward-studio serve</code>: start it with this project, then replace {SERVE_URL_PLACEHOLDER} with the address it
          prints (without its own token).
        </p>
      )}
      <div className="row team-link-row">
        <label className="visually-hidden" htmlFor={fieldId}>
          Invite link for {invite.member.name}
        </label>
        <input
          id={fieldId}
          ref={field}
          className="input mono grow"
          readOnly
          value={link}
          data-testid="team-invite-link-text"
          onFocus={(event) => event.target.select()}
        />
        <button type="button" className="button" data-testid="team-invite-copy" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="button" data-testid="team-invite-done" onClick={onDismiss}>
          Done
        </button>
      </div>
    </div>
  );
}
