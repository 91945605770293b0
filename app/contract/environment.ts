import { z } from 'zod';
import { command } from './define';

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

export const environmentCommands = {
  'environment.info': command<EnvironmentInfo>()(z.object({})),
  /** A native open/save dialog (desktop only); `path` is null when the person cancels. */
  'environment.pickPath': command<{ path: string | null }>()(pickPathInput),
};
