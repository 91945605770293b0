import { useProjectStore } from '../state/project-store';
import { useSettingsStore } from '../state/settings-store';
import { isMember, useTeamStore } from '../state/team-store';
import { ProjectSwitcher } from './project-switcher';

export function TopBar() {
  const environment = useProjectStore((state) => state.environment);
  const project = useProjectStore((state) => state.project);
  const annotator = useSettingsStore((state) => state.settings.annotator);
  const settingsLoaded = useSettingsStore((state) => state.loaded);
  const openSettings = useSettingsStore((state) => state.openDialog);
  const session = useTeamStore((state) => state.session);
  const teamLoaded = useTeamStore((state) => state.loaded);
  // A member cannot switch projects (the owner's commands): the project is just named.
  const member = teamLoaded && isMember(session.role);
  const shownName = member ? (session.name ?? annotator) : annotator;
  return (
    <header className="top-bar" data-testid="top-bar">
      <div className="brand" aria-label="Reward Studio">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">Reward Studio</span>
      </div>
      <span className="top-sep" aria-hidden="true">
        /
      </span>
      {member ? (
        <span className="switcher-name top-project" data-testid="project-name">
          {project?.name ?? 'No project'}
        </span>
      ) : (
        <ProjectSwitcher />
      )}
      {project && !member && (
        <span className="top-dir mono" title={project.dir}>
          {project.dir}
        </span>
      )}
      <div className="top-spacer" />
      {settingsLoaded && (
        <button
          type="button"
          className="annotator-chip"
          title={member ? `Signed in as ${shownName ?? ''} (${session.role})` : 'Settings: the name your judgments are recorded under'}
          data-testid="open-settings"
          onClick={openSettings}
        >
          <span className={shownName ? 'annotator-dot' : 'annotator-dot unset'} aria-hidden="true" />
          <span data-testid="top-annotator">{shownName ?? 'Set your name'}</span>
          {member && <span className="top-role small muted" data-testid="top-role">{session.role}</span>}
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
