/**
 * Browser tab served by `reward-studio serve`: the contract over one WebSocket.
 *
 * Requests carry increasing ids and wait in a pending map for their result. When the socket
 * closes, every pending call is rejected at once (a hung spinner is worse than an error), and the
 * transport reconnects with exponential backoff while the UI shows a banner. Calls made before the
 * very first connection opened are queued (the app's first requests race the handshake); calls
 * made while reconnecting fail fast with `disconnected`, and the app refetches once it is back.
 * Annotation actions are not lost that way: the ActionOutbox (action-outbox.ts) keeps them and
 * resends them when this transport reports `open` again. `serve` keeps its token across restarts,
 * so the same URL is accepted by the restarted server. A close with code 4401 (a team member's
 * link revoked or expired) ends it for good: status 'revoked', no reconnect.
 */
import { DisconnectedError } from './disconnected-error';
import { encodeProjectPath, type ConnectionStatus, type RawEventListener, type Transport } from './transport';
import { type Envelope, FILES_PATH, MEMBER_REVOKED_CLOSE, type ServerMessage, WS_PATH } from './contract-types';

/** The part of the DOM WebSocket this transport uses; tests pass a fake with the same shape. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((this: never, ev: Event) => unknown) | null;
  onclose: ((this: never, ev: CloseEvent) => unknown) | null;
  onmessage: ((this: never, ev: MessageEvent) => unknown) | null;
  onerror: ((this: never, ev: Event) => unknown) | null;
}

export interface WsTransportOptions {
  /** Page origin, e.g. `http://127.0.0.1:8765`; http→ws and https→wss. */
  origin: string;
  token: string | null;
  createSocket?: (url: string) => SocketLike;
  /** Backoff before reconnect attempt n (1-based), in ms. */
  backoffMs?: (attempt: number) => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

const SOCKET_OPEN = 1;

export function defaultBackoffMs(attempt: number): number {
  // 0.5 s, 1 s, 2 s, 4 s, then every 8 s; jitter keeps many tabs from reconnecting in lockstep.
  const base = Math.min(8000, 500 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.85 + Math.random() * 0.3));
}

export function webSocketUrl(origin: string, token: string | null): string {
  const url = new URL(WS_PATH, origin);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (token) url.searchParams.set('token', token);
  return url.toString();
}

interface Pending {
  name: string;
  resolve: (envelope: Envelope) => void;
  reject: (error: Error) => void;
}

function parseServerMessage(data: unknown): ServerMessage | null {
  if (typeof data !== 'string') return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const message = value as Partial<ServerMessage>;
  if (message.type === 'result' && typeof message.id === 'number' && typeof message.envelope === 'object') {
    return message as ServerMessage;
  }
  if (message.type === 'event' && typeof message.name === 'string') return message as ServerMessage;
  return null;
}

export class WsTransport implements Transport {
  readonly kind = 'websocket' as const;

  private socket: SocketLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Messages waiting for the first open. */
  private readonly queue: { id: number; text: string }[] = [];
  private everOpened = false;
  private closedByUs = false;
  private reconnectTimer: unknown = null;
  private status: ConnectionStatus = { state: 'connecting', failedAttempts: 0, nextAttemptAt: null };
  private readonly eventListeners = new Set<RawEventListener>();
  private readonly statusListeners = new Set<(status: ConnectionStatus) => void>();
  private readonly createSocket: (url: string) => SocketLike;
  private readonly backoffMs: (attempt: number) => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly options: WsTransportOptions) {
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
    this.backoffMs = options.backoffMs ?? defaultBackoffMs;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
    this.connect();
  }

  invoke(name: string, input: unknown): Promise<Envelope> {
    return new Promise<Envelope>((resolve, reject) => {
      if (this.closedByUs) {
        reject(new DisconnectedError(name, 'The connection to the studio was closed.'));
        return;
      }
      const id = this.nextId++;
      const text = JSON.stringify({ type: 'invoke', id, name, input });
      if (this.socket && this.socket.readyState === SOCKET_OPEN) {
        this.pending.set(id, { name, resolve, reject });
        this.socket.send(text);
      } else if (!this.everOpened) {
        this.pending.set(id, { name, resolve, reject });
        this.queue.push({ id, text });
      } else {
        reject(new DisconnectedError(name, 'Lost the connection to the studio server; reconnecting.'));
      }
    });
  }

  subscribe(listener: RawEventListener): () => void {
    this.eventListeners.add(listener);
    return () => {
      this.eventListeners.delete(listener);
    };
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener);
    listener(this.status);
    return () => {
      this.statusListeners.delete(listener);
    };
  }

  mediaUrl(projectRelativePath: string): string {
    const base = `${FILES_PATH}${encodeProjectPath(projectRelativePath)}`;
    return this.options.token ? `${base}?token=${encodeURIComponent(this.options.token)}` : base;
  }

  /** Try now instead of waiting out the backoff (the banner's "Retry now"). */
  reconnectNow(): void {
    if (this.reconnectTimer === null || this.closedByUs) return;
    if (this.reconnectTimer !== null) this.clearTimer(this.reconnectTimer);
    this.reconnectTimer = null;
    this.connect();
  }

  close(): void {
    this.closedByUs = true;
    if (this.reconnectTimer !== null) this.clearTimer(this.reconnectTimer);
    this.reconnectTimer = null;
    this.socket?.close(1000, 'client closed');
    this.socket = null;
    this.failPending('The connection to the studio was closed.');
  }

  private connect(): void {
    let socket: SocketLike;
    try {
      socket = this.createSocket(webSocketUrl(this.options.origin, this.options.token));
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.everOpened = true;
      this.setStatus({ state: 'open', failedAttempts: 0, nextAttemptAt: null });
      for (const { text } of this.queue.splice(0)) socket.send(text);
    };
    socket.onmessage = (event: MessageEvent) => {
      if (this.socket !== socket) return;
      this.handleMessage(event.data);
    };
    // Browsers always follow an error with a close; reconnecting happens there, once.
    socket.onerror = () => {};
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (event?.code === MEMBER_REVOKED_CLOSE) {
        // The link was revoked or expired: reconnecting would only be refused (HTTP 403), so stop
        // here and let the page say so.
        this.closedByUs = true;
        if (this.reconnectTimer !== null) this.clearTimer(this.reconnectTimer);
        this.reconnectTimer = null;
        this.failPending('This link no longer works (revoked or expired).');
        this.setStatus({ state: 'revoked', failedAttempts: 0, nextAttemptAt: null });
        return;
      }
      // Queued calls (never sent) survive until the first open; sent ones are lost with the socket.
      this.failPending('Lost the connection to the studio server while waiting for an answer.', true);
      if (!this.closedByUs) this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    const attempt = this.status.failedAttempts + 1;
    const delay = this.backoffMs(attempt);
    // Before the first open it is still "connecting" (the server may be starting up).
    this.setStatus({ state: this.everOpened ? 'reconnecting' : 'connecting', failedAttempts: attempt, nextAttemptAt: Date.now() + delay });
    this.reconnectTimer = this.setTimer(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private failPending(message: string, keepQueued = false): void {
    const queued = new Set(keepQueued ? this.queue.map((entry) => entry.id) : []);
    if (!keepQueued) this.queue.length = 0;
    for (const [id, call] of this.pending) {
      if (queued.has(id)) continue;
      this.pending.delete(id);
      call.reject(new DisconnectedError(call.name, message));
    }
  }

  private handleMessage(data: unknown): void {
    const message = parseServerMessage(data);
    if (!message) {
      console.warn('reward-studio: ignored a malformed message from the server');
      return;
    }
    if (message.type === 'result') {
      const call = this.pending.get(message.id);
      if (!call) return;
      this.pending.delete(message.id);
      call.resolve(message.envelope);
      return;
    }
    for (const listener of [...this.eventListeners]) {
      try {
        listener(message.name, message.payload);
      } catch (error) {
        console.error(`reward-studio: an event listener for ${message.name} failed:`, error);
      }
    }
  }

  private setStatus(status: ConnectionStatus): void {
    this.status = status;
    for (const listener of [...this.statusListeners]) listener(status);
  }
}
