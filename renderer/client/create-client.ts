/**
 * Picks the transport once, at startup: the Electron bridge when the preload put one on
 * `window`, otherwise the WebSocket back to the server that served this page.
 */
import { findBridge, IpcTransport } from './ipc-transport';
import { readAccessToken } from './access-token';
import { StudioClient } from './studio-client';
import { WsTransport } from './ws-transport';

export interface BrowserClient {
  client: StudioClient;
  /** Skip the reconnect backoff (the banner's "Retry now"); absent in Electron. */
  reconnectNow: (() => void) | null;
}

export function createBrowserClient(scope: Window & typeof globalThis = window): BrowserClient {
  const bridge = findBridge(scope);
  if (bridge) return { client: new StudioClient(new IpcTransport(bridge)), reconnectNow: null };
  const token = readAccessToken({ location: scope.location, sessionStorage: scope.sessionStorage, history: scope.history });
  const transport = new WsTransport({ origin: scope.location.origin, token });
  return { client: new StudioClient(transport), reconnectNow: () => transport.reconnectNow() };
}
