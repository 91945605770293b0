/**
 * The Annotate view: asks for the annotator's name first (judgments are recorded under it), then
 * hands over to the workspace, one per project and name. A team member is never asked: their name
 * comes from their invite link (`team.me`). The guidelines, when there are any, sit beside it.
 */
import { SettingsDialog } from '../../app/settings-dialog';
import { useProjectStore } from '../../state/project-store';
import { useRouteStore } from '../../state/route-store';
import { useSettingsStore } from '../../state/settings-store';
import { isMember, useTeamStore } from '../../state/team-store';
import { AnnotateWorkspace } from './annotate-workspace';
import { GuidelinesPanel } from './guidelines';

export function AnnotateView() {
  const project = useProjectStore((state) => state.project);
  const loaded = useSettingsStore((state) => state.loaded);
  const chosenName = useSettingsStore((state) => state.settings.annotator);
  const session = useTeamStore((state) => state.session);
  const hasGuidelines = useTeamStore((state) => state.guidelines !== null);
  const navigate = useRouteStore((state) => state.navigate);
  const member = isMember(session.role);
  const annotator = member ? (session.name ?? chosenName) : chosenName;
  if (!project) return null;
  if (!loaded) return <div className="empty-state muted">Loading your settings…</div>;
  if (!annotator && member) return <div className="empty-state muted">Loading who you are…</div>;
  if (!annotator) {
    return (
      <>
        <div className="empty-state muted" data-testid="annotate-needs-name">
          Choose the name your judgments are recorded under.
        </div>
        <SettingsDialog firstUse />
      </>
    );
  }
  if (!member && project.itemCount === 0) {
    return (
      <div className="empty-state" data-testid="annotate-no-items">
        <p>This project has no items to annotate yet.</p>
        <p className="small muted">Import a seed or TRL JSONL file (or Parquet) on Home; its items appear here, unjudged ones first.</p>
        <button type="button" className="button primary" onClick={() => navigate('home')}>
          Go to Home
        </button>
      </div>
    );
  }
  const workspace = <AnnotateWorkspace key={`${project.dir}\n${annotator}\n${member}`} projectDir={project.dir} annotator={annotator} member={member} />;
  if (!hasGuidelines) return workspace;
  return (
    <div className="annotate-with-guidelines">
      {workspace}
      <GuidelinesPanel member={member} />
    </div>
  );
}
