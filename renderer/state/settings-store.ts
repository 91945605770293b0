/**
 * The person's settings (the annotator name judgments are recorded under). Loaded once at
 * startup from `environment.settings`; null name = not asked yet, so Annotate asks first.
 */
import { create } from 'zustand';
import type { StudioSettings } from '../client/contract-types';

interface SettingsState {
  /** False until `environment.settings` answered (the name modal must not flash before). */
  loaded: boolean;
  settings: StudioSettings;
  /** The settings dialog (also reachable from the top bar). */
  dialogOpen: boolean;
  setSettings(settings: StudioSettings): void;
  openDialog(): void;
  closeDialog(): void;
}

export const useSettingsStore = create<SettingsState>((set) => ({
  loaded: false,
  settings: { annotator: null },
  dialogOpen: false,
  setSettings: (settings) => set({ loaded: true, settings }),
  openDialog: () => set({ dialogOpen: true }),
  closeDialog: () => set({ dialogOpen: false }),
}));
