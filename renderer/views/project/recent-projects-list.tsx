import { useEffect, useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { formatDateTime } from '../../components/format';
import { useProjectStore } from '../../state/project-store';
import type { RecentProject } from '../../client/contract-types';

export interface RecentProjectsListProps {
  onOpen(dir: string): void;
  disabled: boolean;
}

export function RecentProjectsList({ onOpen, disabled }: RecentProjectsListProps) {
  const client = useStudioClient();
  const currentDir = useProjectStore((state) => state.project?.dir ?? null);
  const [recent, setRecent] = useState<RecentProject[] | null>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    client.invoke('projects.recent', {}).then(
      (list) => live && setRecent(list),
      (error: unknown) => live && setFailed(error instanceof Error ? error.message : String(error)),
    );
    return () => {
      live = false;
    };
  }, [client]);

  if (failed) return <p className="muted small" data-testid="recent-projects-error">Could not read the recent projects: {failed}</p>;
  if (!recent) return <p className="muted small">Loading recent projects…</p>;
  if (recent.length === 0) {
    return (
      <p className="muted small" data-testid="recent-projects-empty">
        No recent projects yet. Open a folder, create a project, or start with the sample.
      </p>
    );
  }
  return (
    <ul className="recent-list" data-testid="recent-projects">
      {recent.map((project) => (
        <li key={project.dir}>
          <button
            type="button"
            className="recent-entry"
            disabled={disabled || project.dir === currentDir}
            title={project.dir}
            data-testid="recent-project"
            onClick={() => onOpen(project.dir)}
          >
            <span className="recent-name">
              {project.name}
              {project.dir === currentDir && <span className="tag">open</span>}
            </span>
            <span className="recent-dir mono">{project.dir}</span>
            <span className="recent-when">{formatDateTime(project.openedAt)}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
