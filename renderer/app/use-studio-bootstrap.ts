/**
 * Loads what every screen needs (environment, open project, who is signed in) and keeps it fresh:
 * project and team events, and a full refetch after a reconnect, because events sent while the
 * socket was down are lost.
 */
import { useEffect } from 'react';
import { useStudioClient } from '../client/client-context';
import { StudioClientError } from '../client/studio-client-error';
import { useConnectionStore } from '../state/connection-store';
import { useProjectStore } from '../state/project-store';
import { useRouteStore } from '../state/route-store';
import { useSettingsStore } from '../state/settings-store';
import { OWNER_SESSION, useTeamStore } from '../state/team-store';
import { toastError } from '../state/toast-store';

export function useStudioBootstrap(): void {
  const client = useStudioClient();

  useEffect(() => {
    let live = true;
    let wasDown = false;

    /**
     * `team.me`, then the guidelines. A core without the team commands (an older server) answers
     * `not_found`: that is the owner's studio of before. Any other failure is thrown (a toast; the
     * shell keeps waiting rather than guess the owner's views for someone who may be a member).
     */
    async function loadSession(): Promise<void> {
      try {
        const session = await client.invoke('team.me', {});
        if (live) useTeamStore.getState().setSession(session);
      } catch (error) {
        if (!live || !(error instanceof StudioClientError && error.code === 'not_found')) throw error;
        useTeamStore.getState().setSession(OWNER_SESSION);
        return;
      }
      await loadGuidelines();
    }

    async function loadGuidelines(): Promise<void> {
      try {
        const guidelines = await client.invoke('team.guidelines', {});
        if (live) useTeamStore.getState().setGuidelines(guidelines);
      } catch (error) {
        if (live && !(error instanceof StudioClientError && error.code === 'disconnected')) toastError(error, 'Loading the guidelines');
      }
    }

    async function load(): Promise<void> {
      try {
        const [environment, project, settings] = await Promise.all([
          client.invoke('environment.info', {}),
          client.invoke('projects.current', {}),
          client.invoke('environment.settings', {}),
          loadSession(),
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
    const offTeam = client.on('team.onChanged', ({ what }) => {
      // Members and the plan can change a member's own record; new guidelines change the version.
      void client.invoke('team.me', {}).then(
        (session) => live && useTeamStore.getState().setSession(session),
        () => {},
      );
      if (what === 'guidelines') void loadGuidelines();
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
      offTeam();
      offStatus();
    };
  }, [client]);
}
