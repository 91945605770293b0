/** The team's members: who they are, whether their link works, when they were last seen, which guidelines they accepted. */
import { formatDateTime } from '../../components/format';
import { formatGuidelinesSeen, formatSince, sortMembers } from './team-format';
import type { TeamMember } from './team-types';

export interface MembersTableProps {
  members: readonly TeamMember[];
  /** The current guidelines version, to mark members who accepted an older one. */
  guidelinesVersion: number | null;
  now: number;
  onRevoke: (member: TeamMember) => void;
}

function StatusBadge({ member }: { member: TeamMember }) {
  const title =
    member.status === 'revoked' && member.revokedAt
      ? `Revoked ${formatDateTime(member.revokedAt)}`
      : member.expiresAt
        ? `${member.status === 'expired' ? 'Expired' : 'Expires'} ${formatDateTime(member.expiresAt)}`
        : 'The link works until revoked';
  return (
    <span className={`team-status team-status-${member.status}`} title={title} data-testid="team-member-status">
      {member.status}
    </span>
  );
}

export function MembersTable({ members, guidelinesVersion, now, onRevoke }: MembersTableProps) {
  if (members.length === 0) {
    return (
      <p className="small muted" data-testid="team-members-empty">
        No members yet. Invite annotators and reviewers above; each gets a personal link.
      </p>
    );
  }
  return (
    <div className="team-table-wrap">
      <table className="table" data-testid="team-members">
        <thead>
          <tr>
            <th>Name</th>
            <th>Role</th>
            <th>Status</th>
            <th>Last seen</th>
            <th>Guidelines</th>
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sortMembers(members).map((member) => (
            <tr key={member.id} data-testid="team-member-row" data-member-name={member.name} data-status={member.status}>
              <td className="team-name-cell">{member.name}</td>
              <td>{member.role}</td>
              <td>
                <StatusBadge member={member} />
              </td>
              <td className="muted" title={member.lastSeenAt ? formatDateTime(member.lastSeenAt) : undefined}>
                {formatSince(member.lastSeenAt, now)}
              </td>
              <td className={member.guidelinesSeen === null ? 'muted' : undefined}>{formatGuidelinesSeen(member.guidelinesSeen, guidelinesVersion)}</td>
              <td className="num">
                {member.status !== 'revoked' && (
                  <button type="button" className="button small" data-testid="team-member-revoke" aria-label={`Revoke ${member.name}`} onClick={() => onRevoke(member)}>
                    Revoke…
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
