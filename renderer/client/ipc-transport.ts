/**
 * Electron: the preload exposes `window.rewardStudio` (contextIsolation on, so it is a frozen copy
 * with just invoke/subscribe). The IPC channel lives as long as the window, so it is always open.
 */
import { encodeProjectPath, type ConnectionStatus, type RawEventListener, type Transport } from './transport';
import { ELECTRON_MEDIA_SCHEME, type StudioBridge } from './contract-types';

const OPEN: ConnectionStatus = { state: 'open', failedAttempts: 0, nextAttemptAt: null };

export class IpcTransport implements Transport {
  readonly kind = 'ipc' as const;

  constructor(private readonly bridge: StudioBridge) {}

  invoke(name: string, input: unknown) {
    return this.bridge.invoke(name, input);
  }

  subscribe(listener: RawEventListener): () => void {
    return this.bridge.subscribe(listener);
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    listener(OPEN);
    return () => {};
  }

  mediaUrl(projectRelativePath: string): string {
    return `${ELECTRON_MEDIA_SCHEME}://project/${encodeProjectPath(projectRelativePath)}`;
  }

  close(): void {}
}

/** The bridge, if this page runs inside the desktop app; checked by shape, not trusted blindly. */
export function findBridge(scope: unknown): StudioBridge | null {
  const candidate = (scope as { rewardStudio?: unknown }).rewardStudio;
  if (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof (candidate as StudioBridge).invoke === 'function' &&
    typeof (candidate as StudioBridge).subscribe === 'function'
  ) {
    return candidate as StudioBridge;
  }
  return null;
}
