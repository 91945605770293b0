import { StudioError } from '../../errors';
import type { Handlers } from '../../rpc/router';
import { settingsDir } from '../../store/recent-projects';
import { checkModelFolder } from '../../training/model-check';
import { trainingPython } from '../../training/python-interpreter';
import { setUpTrainingEnvironment } from '../../training/setup-environment';
import { ensureTinyModel } from '../../training/tiny-model';
import { checkTrainingEnvironment, forgetTrainingEnvironment } from '../../training/training-environment';
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

export function environmentHandlers(studio: Studio): EnvironmentHandlers {
  return {
    'environment.settings': () => readUserSettings(),
    'environment.updateSettings': (patch) => {
      const settings = updateUserSettings(patch);
      // Another interpreter: the cached check describes the old one.
      if (patch.pythonPath !== undefined) forgetTrainingEnvironment();
      return settings;
    },
    'environment.training': ({ refresh }) => checkTrainingEnvironment(trainingPython(), refresh),
    'environment.setupTraining': async () => {
      await setUpTrainingEnvironment({ onLine: (line) => studio.events.emit('environment.onSetupLog', { line }) });
      return checkTrainingEnvironment(trainingPython(), true);
    },
    'environment.checkModel': ({ path }) => checkModelFolder(path),
    'environment.tinyModel': () => ensureTinyModel(trainingPython()),
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
