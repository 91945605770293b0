import { create } from 'zustand';
import type { ConnectionStatus } from '../client/transport';

interface ConnectionState {
  status: ConnectionStatus;
  setStatus(status: ConnectionStatus): void;
}

export const useConnectionStore = create<ConnectionState>((set) => ({
  status: { state: 'connecting', failedAttempts: 0, nextAttemptAt: null },
  setStatus: (status) => set({ status }),
}));
