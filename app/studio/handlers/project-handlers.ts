import { readRecentProjects } from '../../store/recent-projects';
import type { Handlers } from '../../rpc/router';
import type { Studio } from '../studio';

type ProjectHandlers = Pick<Handlers, 'projects.current' | 'projects.open' | 'projects.create' | 'projects.openSample' | 'projects.recent'>;

export function projectHandlers(studio: Studio): ProjectHandlers {
  return {
    'projects.current': () => studio.currentSummary(),
    'projects.open': ({ dir }) => studio.openProject(dir),
    'projects.create': ({ dir, name }) => studio.createProject(dir, name),
    'projects.openSample': () => studio.openSampleProject(),
    'projects.recent': () => readRecentProjects(),
  };
}
