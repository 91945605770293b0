import { z } from 'zod';
import type { StudioSettings } from '../store/types';
import type { ModelCheck, TrainingEnvironment } from '../runs/types';
import { command, event } from './define';

export interface EnvironmentInfo {
  version: string;
  /** 'electron' when the UI runs in the desktop app, 'browser' when served by `reward-studio serve`. */
  host: 'electron' | 'browser';
  platform: NodeJS.Platform;
  node: string;
  /** Native file dialogs exist only in the desktop app; the browser UI shows path fields instead. */
  nativeDialogs: boolean;
  /** Where settings, recent projects and the sample project live. */
  homeDir: string;
}

export const pickPathInput = z.object({
  kind: z.enum(['open-file', 'save-file', 'open-directory']),
  title: z.string().max(200).optional(),
  defaultPath: z.string().max(4096).optional(),
  filters: z.array(z.object({ name: z.string(), extensions: z.array(z.string()) })).optional(),
});

/** Per-person settings, stored in the settings folder (not in the project); defined beside the store that keeps them. */
export type { StudioSettings } from '../store/types';

export const environmentCommands = {
  /** Python, torch / transformers / peft versions, CUDA, every GPU with free memory. */
  'environment.training': command<TrainingEnvironment>()(z.object({ refresh: z.boolean().default(false) })),
  /** Creates .venv and installs the worker, streaming the log through `environment.onSetupLog`. */
  'environment.setupTraining': command<TrainingEnvironment>()(z.object({})),
  /** Validates a local Hugging Face model folder for the Train view's model picker. */
  'environment.checkModel': command<ModelCheck>()(z.object({ path: z.string().trim().min(1) })),
  /** The tiny random Qwen2-VL for demos (made once, in the settings folder). */
  'environment.tinyModel': command<ModelCheck>()(z.object({})),
  'environment.settings': command<StudioSettings>()(z.object({})),
  'environment.updateSettings': command<StudioSettings>()(
    z.object({
      annotator: z.string().trim().min(1).max(100).optional(),
      /** Absolute path of the training interpreter; null or '' = the repository's .venv. */
      pythonPath: z.string().trim().max(1000).nullable().optional(),
    }),
  ),
  'environment.info': command<EnvironmentInfo>()(z.object({})),
  /** A native open/save dialog (desktop only); `path` is null when the person cancels. */
  'environment.pickPath': command<{ path: string | null }>()(pickPathInput),
};

export const environmentEvents = {
  'environment.onSetupLog': event<{ line: string }>(),
};
