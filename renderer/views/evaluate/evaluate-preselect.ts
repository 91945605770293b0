/**
 * Checkpoints another view asked the Evaluate view to have ticked (the Runs view's "Evaluate"
 * on a checkpoint row). Taken once by the Evaluate view when it mounts.
 */
import { create } from 'zustand';

interface PreselectState {
  checkpointIds: number[];
  preselect(ids: number[]): void;
  take(): number[];
}

export const useEvaluatePreselect = create<PreselectState>((set, get) => ({
  checkpointIds: [],
  preselect(ids) {
    set({ checkpointIds: ids });
  },
  take() {
    const ids = get().checkpointIds;
    set({ checkpointIds: [] });
    return ids;
  },
}));
