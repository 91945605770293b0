/**
 * The only door between the sandboxed renderer and the studio: `window.rewardStudio`, with
 * `invoke` and `subscribe` on the contract's names. No Node, no ipcRenderer, no other channel.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { StudioBridge } from '../app/rpc/wire';

// Inlined rather than imported from ipc-binding.ts: a sandboxed preload can only require 'electron'.
const INVOKE_CHANNEL = 'studio:invoke';
const EVENT_CHANNEL = 'studio:event';

const bridge: StudioBridge = {
  host: 'electron',
  invoke: (name, input) => ipcRenderer.invoke(INVOKE_CHANNEL, name, input),
  subscribe(listener) {
    const forward = (_event: IpcRendererEvent, name: string, payload: unknown) => listener(name, payload);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, forward);
  },
};

contextBridge.exposeInMainWorld('rewardStudio', bridge);
