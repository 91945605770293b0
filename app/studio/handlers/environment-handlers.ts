import { StudioError } from '../../errors';
import type { Handlers } from '../../rpc/router';
import { settingsDir } from '../../store/recent-projects';
import { checkModelFolder } from '../../environment/model-check';
import { setUpTrainingEnvironment } from '../../environment/setup-environment';
import { ensureTinyModel } from '../../environment/tiny-model';
import { checkTrainingEnvironment, forgetTrainingEnvironment } from '../../environment/training-environment';
import { readUserSettings, updateUserSettings } from '../../store/user-settings';
import { STUDIO_VERSION } from '../version';
import type { Studio } from '../studio';

type EnvironmentHandlers = Pick<
  Handlers,
  | 'environment.settings'
  | 'environment.updateSettings'
  | 'environment.info'
  | 'environment.pickPath'
  | 'environment.training'
  | 'environment.setupTraining'
  | 'environment.checkModel'
  | 'environment.tinyModel'
>;

/** Every check here asks `studio.python()`, the interpreter runs and evaluations start with. */
export function environmentHandlers(studio: Studio): EnvironmentHandlers {
  return {
    'environment.settings': () => readUserSettings(),
    'environment.updateSettings': (patch) => {
      const settings = updateUserSettings(patch);
      // Another interpreter: the cached check describes the old one.
      if (patch.pythonPath !== undefined) forgetTrainingEnvironment();
      return settings;
    },
    'environment.training': ({ refresh }) => checkTrainingEnvironment(studio.python(), refresh),
    'environment.setupTraining': async () => {
      await setUpTrainingEnvironment({ onLine: (line) => studio.events.emit('environment.onSetupLog', { line }) });
      return checkTrainingEnvironment(studio.python(), true);
    },
    'environment.checkModel': ({ path }) => checkModelFolder(path),
    'environment.tinyModel': () => ensureTinyModel(studio.python()),
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
