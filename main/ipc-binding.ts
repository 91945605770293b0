/**
 * The contract over Electron IPC: one `invoke` channel for commands, one `event` channel pushed
 * to every window. The router validates inputs exactly as the WebSocket binding does.
 */
import { BrowserWindow, ipcMain } from 'electron';
import type { EventBus } from '../app/rpc/event-bus';
import type { Router } from '../app/rpc/router';

export const INVOKE_CHANNEL = 'studio:invoke';
export const EVENT_CHANNEL = 'studio:event';

export function bindContractToIpc(router: Router, events: EventBus): () => void {
  ipcMain.handle(INVOKE_CHANNEL, (_event, name: unknown, input: unknown) => router.invoke(name, input));
  const stop = events.listen((name, payload) => {
    for (const window of BrowserWindow.getAllWindows()) {
      if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, name, payload);
    }
  });
  return () => {
    ipcMain.removeHandler(INVOKE_CHANNEL);
    stop();
  };
}
