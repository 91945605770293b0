/**
 * The Annotate view: asks for the annotator's name first (judgments are recorded under it), then
 * hands over to the workspace, one per project and name.
 */
import { SettingsDialog } from '../../app/settings-dialog';
import { useProjectStore } from '../../state/project-store';
import { useRouteStore } from '../../state/route-store';
import { useSettingsStore } from '../../state/settings-store';
import { AnnotateWorkspace } from './annotate-workspace';

export function AnnotateView() {
  const project = useProjectStore((state) => state.project);
  const loaded = useSettingsStore((state) => state.loaded);
  const annotator = useSettingsStore((state) => state.settings.annotator);
  const navigate = useRouteStore((state) => state.navigate);
  if (!project) return null;
  if (!loaded) return <div className="empty-state muted">Loading your settings…</div>;
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
  if (project.itemCount === 0) {
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
  return <AnnotateWorkspace key={`${project.dir}\n${annotator}`} projectDir={project.dir} annotator={annotator} />;
}
