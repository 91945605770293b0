import { useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { useProjectStore } from '../../state/project-store';
import { useRouteStore } from '../../state/route-store';
import { toastError } from '../../state/toast-store';
import type { ProjectSummary } from '../../client/contract-types';

export type ProjectAction = 'open' | 'create' | 'sample';

export interface ProjectActions {
  /** The action in flight, so its button shows progress and the others wait. */
  busy: ProjectAction | null;
  open(dir: string): Promise<boolean>;
  create(dir: string, name: string): Promise<boolean>;
  openSample(): Promise<boolean>;
}

/** Opening, creating and the sample project, shared by the welcome screen and the top-bar switcher. */
export function useProjectActions(onDone?: () => void): ProjectActions {
  const client = useStudioClient();
  const [busy, setBusy] = useState<ProjectAction | null>(null);

  async function run(action: ProjectAction, label: string, call: () => Promise<ProjectSummary>): Promise<boolean> {
    setBusy(action);
    try {
      const project = await call();
      useProjectStore.getState().setProject(project);
      useRouteStore.getState().selectItem(null);
      useRouteStore.getState().navigate('home');
      onDone?.();
      return true;
    } catch (error) {
      toastError(error, label);
      return false;
    } finally {
      setBusy(null);
    }
  }

  return {
    busy,
    open: (dir) => run('open', 'Opening the project', () => client.invoke('projects.open', { dir })),
    create: (dir, name) =>
      run('create', 'Creating the project', () => client.invoke('projects.create', { dir, name: name.trim() || undefined })),
    openSample: () => run('sample', 'Opening the sample project', () => client.invoke('projects.openSample', {})),
  };
}
