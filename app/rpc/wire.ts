/**
 * What travels over the WebSocket between `reward-studio serve` and a browser tab, and what
 * Electron's preload exposes. Plain JSON; the names are the contract's names.
 */
import type { Envelope } from './router';

export interface InvokeMessage {
  type: 'invoke';
  id: number;
  name: string;
  input: unknown;
}

export interface ResultMessage {
  type: 'result';
  id: number;
  envelope: Envelope;
}

export interface EventMessage {
  type: 'event';
  name: string;
  payload: unknown;
}

export type ServerMessage = ResultMessage | EventMessage;

/** The WebSocket endpoint; the token rides in the query string (or the cookie set with the page). */
export const WS_PATH = '/ws';
/** Project files (media, thumbnails) for <img> tags in the browser; only inside the open project. */
export const FILES_PATH = '/files/';
/** Browser upload of a dataset file: POST the body to `${UPLOAD_PATH}?name=<file name>`; the reply is {"path": …}. */
export const UPLOAD_PATH = '/upload';
/** A file the studio exported this session: `${DOWNLOAD_PATH}<id>` with the id from `dataset.export`'s result. */
export const DOWNLOAD_PATH = '/download/';
/** The same in Electron: a privileged scheme served by main/, also confined to the open project. */
export const ELECTRON_MEDIA_SCHEME = 'rs-media';
export const TOKEN_COOKIE = 'rs_token';
/**
 * The WebSocket close code for a team member whose link was revoked or expired (4000–4999 are
 * the application's): the page stops reconnecting and says why instead.
 */
export const MEMBER_REVOKED_CLOSE = 4401;

/** The object Electron's preload puts on `window.rewardStudio` (contextIsolation keeps it a copy). */
export interface StudioBridge {
  host: 'electron';
  invoke(name: string, input: unknown): Promise<Envelope>;
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
}

export type { Envelope };
