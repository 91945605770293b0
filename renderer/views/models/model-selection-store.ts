/**
 * Which model the playground and the Serve panel have chosen. A store (not view state) because
 * the Runs view's "Open in playground" and the exports' "Use in playground" / "Serve" choose a
 * model before the Models view is on screen.
 */
import { create } from 'zustand';
import type { ModelKey } from './model-types';

interface ModelSelectionState {
  /** Null: the newest checkpoint (the view fills it in once the list is loaded). */
  playground: ModelKey | null;
  serve: ModelKey | null;
  choosePlayground(key: ModelKey | null): void;
  chooseServe(key: ModelKey | null): void;
}

export const useModelSelection = create<ModelSelectionState>((set) => ({
  playground: null,
  serve: null,
  choosePlayground: (playground) => set({ playground }),
  chooseServe: (serve) => set({ serve }),
}));
