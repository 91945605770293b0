import { useProjectStore } from '../state/project-store';
import { useSettingsStore } from '../state/settings-store';
import { ProjectSwitcher } from './project-switcher';

export function TopBar() {
  const environment = useProjectStore((state) => state.environment);
  const project = useProjectStore((state) => state.project);
  const annotator = useSettingsStore((state) => state.settings.annotator);
  const settingsLoaded = useSettingsStore((state) => state.loaded);
  const openSettings = useSettingsStore((state) => state.openDialog);
  return (
    <header className="top-bar" data-testid="top-bar">
      <div className="brand" aria-label="Reward Studio">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">Reward Studio</span>
      </div>
      <span className="top-sep" aria-hidden="true">
        /
      </span>
      <ProjectSwitcher />
      {project && (
        <span className="top-dir mono" title={project.dir}>
          {project.dir}
        </span>
      )}
      <div className="top-spacer" />
      {settingsLoaded && (
        <button
          type="button"
          className="annotator-chip"
          title="Settings: the name your judgments are recorded under"
          data-testid="open-settings"
          onClick={openSettings}
        >
          <span className={annotator ? 'annotator-dot' : 'annotator-dot unset'} aria-hidden="true" />
          <span data-testid="top-annotator">{annotator ?? 'Set your name'}</span>
        </button>
      )}
      {environment && (
        <span className="top-env" title={`Node ${environment.node} on ${environment.platform}`}>
          {environment.host === 'electron' ? 'Desktop' : 'Browser'} · v{environment.version}
        </span>
      )}
    </header>
  );
}
