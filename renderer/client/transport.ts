/**
 * What a transport does for the StudioClient: carry a command to the studio core and bring back
 * the envelope, and deliver every contract event. The client knows nothing else about it, which
 * is what lets the same UI run inside Electron (IPC) and in a browser tab (WebSocket).
 */
import type { Envelope } from './contract-types';

/**
 * 'revoked': the server closed the socket with MEMBER_REVOKED_CLOSE (4401: a team member's link
 * was revoked or expired); the transport stops reconnecting, for good.
 */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'revoked';


export interface ConnectionStatus {
  state: ConnectionState;
  /** Consecutive failed attempts since the connection was last open (0 while open). */
  failedAttempts: number;
  /** When the next reconnect attempt starts (ms since epoch), while reconnecting. */
  nextAttemptAt: number | null;
}

export type RawEventListener = (name: string, payload: unknown) => void;

export interface Transport {
  readonly kind: 'ipc' | 'websocket';
  invoke(name: string, input: unknown): Promise<Envelope>;
  /** Every event the core emits, by contract name; returns an unsubscribe function. */
  subscribe(listener: RawEventListener): () => void;
  /** Connection changes; IPC is always open. Called once at once with the current status. */
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  /** A URL an <img> can load for a file inside the open project. */
  mediaUrl(projectRelativePath: string): string;
  close(): void;
}

/** Encodes each path segment so names with spaces or '#' survive, while keeping the slashes. */
export function encodeProjectPath(projectRelativePath: string): string {
  return projectRelativePath
    .replace(/\\/g, '/')
    .replace(/^\/+/, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}
