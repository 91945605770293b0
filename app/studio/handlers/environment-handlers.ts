import { StudioError } from '../../errors';
import type { Handlers } from '../../rpc/router';
import { settingsDir } from '../../store/recent-projects';
import { readUserSettings, updateUserSettings } from '../../store/user-settings';
import { STUDIO_VERSION } from '../version';
import type { Studio } from '../studio';

type EnvironmentHandlers = Pick<
  Handlers,
  'environment.settings' | 'environment.updateSettings' | 'environment.info' | 'environment.pickPath'
>;

export function environmentHandlers(studio: Studio): EnvironmentHandlers {
  return {
    'environment.settings': () => readUserSettings(),
    'environment.updateSettings': (patch) => updateUserSettings(patch),
    'environment.info': () => ({
      version: STUDIO_VERSION,
      host: studio.host.kind,
      platform: process.platform,
      node: process.versions.node,
      nativeDialogs: studio.host.pickPath !== undefined,
      homeDir: settingsDir(),
    }),
    'environment.pickPath': async (request) => {
      if (!studio.host.pickPath) {
        throw new StudioError('invalid_input', 'File dialogs are only available in the desktop app.', 'Type the path into the field instead.');
      }
      return { path: await studio.host.pickPath(request) };
    },
  };
}
