/**
 * Loads what every screen needs (environment, open project) and keeps it fresh: project events,
 * and a full refetch after a reconnect, because events sent while the socket was down are lost.
 */
import { useEffect } from 'react';
import { useStudioClient } from '../client/client-context';
import { StudioClientError } from '../client/studio-client-error';
import { useConnectionStore } from '../state/connection-store';
import { useProjectStore } from '../state/project-store';
import { useRouteStore } from '../state/route-store';
import { useSettingsStore } from '../state/settings-store';
import { toastError } from '../state/toast-store';

export function useStudioBootstrap(): void {
  const client = useStudioClient();

  useEffect(() => {
    let live = true;
    let wasDown = false;

    async function load(): Promise<void> {
      try {
        const [environment, project, settings] = await Promise.all([
          client.invoke('environment.info', {}),
          client.invoke('projects.current', {}),
          client.invoke('environment.settings', {}),
        ]);
        if (!live) return;
        useProjectStore.getState().setEnvironment(environment);
        useSettingsStore.getState().setSettings(settings);
        useProjectStore.getState().setProject(project);
      } catch (error) {
        // A disconnect is already shown by the banner; the reconnect reloads.
        if (live && !(error instanceof StudioClientError && error.code === 'disconnected')) toastError(error, 'Loading the studio');
      }
    }

    const offChanged = client.on('projects.onChanged', (project) => {
      // Another window (or the CLI via the server) switched projects: the selected item belongs
      // to the old one, so drop it rather than show a "not found" error.
      if (project?.dir !== useProjectStore.getState().project?.dir) useRouteStore.getState().selectItem(null);
      useProjectStore.getState().setProject(project);
    });
    const offStatus = client.onConnection((status) => {
      useConnectionStore.getState().setStatus(status);
      if (status.state === 'open' && wasDown) void load();
      wasDown = status.state !== 'open' && useProjectStore.getState().loaded;
    });
    void load();
    return () => {
      live = false;
      offChanged();
      offStatus();
    };
  }, [client]);
}
