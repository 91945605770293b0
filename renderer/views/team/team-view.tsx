/**
 * The Team view. The owner invites people and revokes their links, sets how items are handed
 * out, writes the guidelines, keeps the gold items and follows progress; a reviewer sees the
 * progress and the guidelines, read-only. Who is looking comes from `team.me` (or the `role` prop);
 * the server checks every command's role anyway (app/team/command-roles.ts), hiding is a courtesy.
 */
import { AssignmentPanel } from './assignment-panel';
import { GoldPanel } from './gold-panel';
import { GuidelinesPanel } from './guidelines-panel';
import { GuidelinesReadOnly } from './guidelines-read-only';
import { PeoplePanel } from './people-panel';
import { ProgressPanel } from './progress-panel';
import { useTeamData } from './use-team-data';
import type { TeamRole } from './team-types';
import '../../styles/team.css';

function OwnerPanels({ guidelinesVersion }: { guidelinesVersion: number | null }) {
  return (
    <div className="stack">
      <ProgressPanel />
      <PeoplePanel guidelinesVersion={guidelinesVersion} />
      <div className="team-grid">
        <AssignmentPanel />
        <GoldPanel />
      </div>
      <GuidelinesPanel />
    </div>
  );
}

function ReviewerPanels() {
  return (
    <div className="stack">
      <ProgressPanel />
      <GuidelinesReadOnly />
    </div>
  );
}

const SUBTITLE: Record<TeamRole, string> = {
  owner: 'Invite people with a personal link, decide how items are handed out, write the guidelines, and follow progress.',
  reviewer: 'How far the team has got and how well it agrees. Settle conflicts in Agreement.',
  annotator: 'Your team’s figures are visible to reviewers and the owner.',
};

export function TeamView({ role }: { role?: TeamRole }) {
  const me = useTeamData('team.me', { team: ['members', 'guidelines'] });
  const shownRole = role ?? me.data?.role;

  return (
    <div className="team-view" data-testid="team-view" data-role={shownRole ?? ''}>
      <header className="view-header">
        <div>
          <h1 className="view-title">Team</h1>
          <p className="small muted">{shownRole ? SUBTITLE[shownRole] : 'Who annotates this project, and how far they have got.'}</p>
        </div>
      </header>
      {me.error && !shownRole ? (
        <div className="empty-state" data-testid="team-error">
          <p>Could not read your role in this project: {me.error.message}</p>
          <p className="small muted">{me.error.hint ?? 'Try again once the connection is back.'}</p>
          <button type="button" className="button" onClick={me.reload}>
            Try again
          </button>
        </div>
      ) : !shownRole ? (
        <div className="empty-state muted">Loading…</div>
      ) : shownRole === 'owner' ? (
        <OwnerPanels guidelinesVersion={me.data?.guidelinesVersion ?? null} />
      ) : shownRole === 'reviewer' ? (
        <ReviewerPanels />
      ) : (
        <div className="empty-state" data-testid="team-annotator">
          <p>The team’s figures are for reviewers and the owner.</p>
          <p className="small muted">Your own progress is shown in Annotate.</p>
        </div>
      )}
    </div>
  );
}
