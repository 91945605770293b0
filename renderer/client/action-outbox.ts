/**
 * Annotation actions (judgment, undo, note, flag) on their way to the server, kept until it
 * acknowledges them (issue #13: a judgment made while the server was unreachable used to be lost).
 *
 * Each action gets a client-made id and is written to storage before it is sent; it leaves only
 * when the server answered. A dropped connection pauses the queue; when the transport reports the
 * connection open again, the queue resends from its oldest action, one at a time, in the order
 * they were made (an undo must reach the server after the judgment it takes back). The server
 * applies each id once (app/store/applied-actions.ts), so resending one whose answer was lost is
 * harmless. Actions restored from an earlier page load go first.
 *
 * Electron uses the same queue with memory storage: IPC does not drop calls and the core lives as
 * long as the window, so there is nothing to persist, but one code path keeps one behaviour.
 */
import { IndexedDbOutboxStorage, MemoryOutboxStorage, type OutboxCommand, type OutboxStorage, type StoredAction } from './outbox-storage';
import type { StudioClient } from './studio-client';
import { StudioClientError } from './studio-client-error';
import type { ConnectionStatus } from './transport';
import type { CommandInput, CommandResult } from './contract-types';

export interface OutboxState {
  /** Actions the server has not acknowledged yet. */
  pending: number;
  /** The connection is down, or the oldest action has waited longer than `stallMs`: worth telling the person. */
  stalled: boolean;
}

/** The part of StudioClient the outbox needs. */
export type OutboxClient = Pick<StudioClient, 'invoke' | 'onConnection' | 'on'>;

export interface OutboxOptions {
  storage: OutboxStorage;
  /** A restored action (from an earlier page) the server refused: nobody awaits it, so say so. */
  onOrphanError?: (error: unknown, action: StoredAction) => void;
  /** Actions made in `projectDir` wait because the server has another project open (reported once per project). */
  onHeld?: (projectDir: string) => void;
  /** A saved action normally takes a few ms; after this long the badge shows. */
  stallMs?: number;
  newId?: () => string;
}

interface Waiter {
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

const DEFAULT_STALL_MS = 1000;
const RETRY_WHILE_OPEN_MS = 1000;

/** 128 random bits as hex; getRandomValues works on plain-http origins too (randomUUID does not). */
export function newActionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function isDisconnected(error: unknown): boolean {
  return error instanceof StudioClientError && error.code === 'disconnected';
}

export class ActionOutbox {
  private queue: StoredAction[] = [];
  private readonly waiters = new Map<string, Waiter>();
  /** Storage writes in progress: an action is sent only once it is stored, so removal cannot precede it. */
  private readonly written = new Map<string, Promise<void>>();
  private readonly listeners = new Set<() => void>();
  private lastSeq = 0;
  private connected = false;
  private flushing = false;
  private stalled = false;
  private stallTimer: ReturnType<typeof setTimeout> | null = null;
  private state: OutboxState = { pending: 0, stalled: false };
  private readonly restored: Promise<void>;
  /** The project the server has open, as last asked; undefined: ask before sending. */
  private serverProject: string | null | undefined = undefined;
  /** Projects whose held actions were already reported. */
  private readonly heldWarned = new Set<string>();
  private readonly stallMs: number;
  private readonly newId: () => string;

  constructor(
    private readonly client: OutboxClient,
    private readonly options: OutboxOptions,
  ) {
    this.stallMs = options.stallMs ?? DEFAULT_STALL_MS;
    this.newId = options.newId ?? newActionId;
    this.restored = this.restore();
    client.onConnection((status) => this.onConnection(status));
    // Opening another project (here or in another window) announces it: held actions may now go.
    client.on('projects.onChanged', (summary) => {
      this.serverProject = summary?.dir ?? null;
      void this.flush();
    });
  }

  /**
   * Queues an action made in `projectDir`; resolves with the server's answer once it is
   * acknowledged (maybe much later).
   */
  send<K extends OutboxCommand>(name: K, input: CommandInput<K>, projectDir: string | null): Promise<CommandResult<K>> {
    const actionId = this.newId();
    const action = { actionId, seq: this.nextSeq(), name, input: { ...input, actionId }, projectDir, createdAt: Date.now() } as StoredAction;
    const answered = new Promise<CommandResult<K>>((resolve, reject) => {
      this.waiters.set(actionId, { resolve: resolve as (result: unknown) => void, reject });
    });
    this.queue.push(action);
    this.publish();
    // Written before it is sent: a tab closed mid-flight still has it on the next load.
    const written = this.options.storage
      .put(action)
      .catch((error: unknown) => console.warn('reward-studio: could not keep an action in browser storage; it is kept in memory only:', error));
    this.written.set(actionId, written);
    void written.then(() => this.flush());
    return answered;
  }

  getState = (): OutboxState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  hasPending(): boolean {
    return this.queue.length > 0;
  }

  private nextSeq(): number {
    // Above every stored seq, so actions restored from an earlier page stay in front.
    this.lastSeq = Math.max(this.lastSeq + 1, Date.now() * 1000);
    return this.lastSeq;
  }

  private async restore(): Promise<void> {
    let stored: StoredAction[];
    try {
      stored = await this.options.storage.load();
    } catch (error) {
      console.warn('reward-studio: could not read unsent actions from browser storage:', error);
      return;
    }
    const known = new Set(this.queue.map((action) => action.actionId));
    const earlier = stored.filter((action) => !known.has(action.actionId));
    this.queue = [...earlier, ...this.queue].sort((a, b) => a.seq - b.seq);
    for (const action of earlier) this.lastSeq = Math.max(this.lastSeq, action.seq);
    this.publish();
  }

  private onConnection(status: ConnectionStatus): void {
    this.connected = status.state === 'open';
    // Whoever answers after a reconnect may be a server started on another project.
    if (!this.connected) this.serverProject = undefined;
    this.publish();
    if (this.connected) void this.flush();
  }

  /** Sends from the oldest action on, one at a time, until the queue is empty or the connection drops. */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      await this.restored;
      while (this.connected && this.queue.length > 0) {
        const action = await this.nextForThisProject();
        if (action === null) break;
        const delivered = await this.deliver(action);
        if (!delivered) break;
      }
    } finally {
      this.flushing = false;
      this.publish();
    }
  }

  /**
   * The oldest action made in the project the server has open, or null. Actions of another
   * project stay queued (and counted) until a server on that project answers.
   */
  private async nextForThisProject(): Promise<StoredAction | null> {
    for (const action of this.queue) {
      // `?? null`: entries stored without a project (none yet in the wild) are not held.
      if ((action.projectDir ?? null) === null) return action;
      if (this.serverProject === undefined) {
        try {
          this.serverProject = (await this.client.invoke('projects.current', {}))?.dir ?? null;
        } catch {
          return null; // Dropped again; the next open retries.
        }
      }
      if (action.projectDir === this.serverProject) return action;
      this.warnHeld(action);
    }
    return null;
  }

  private warnHeld(action: StoredAction): void {
    if (this.heldWarned.has(action.projectDir as string)) return;
    this.heldWarned.add(action.projectDir as string);
    this.options.onHeld?.(action.projectDir as string);
  }

  /** False when the connection dropped (the action stays first in line); true when it was answered. */
  private async deliver(action: StoredAction): Promise<boolean> {
    this.armStallTimer();
    await this.written.get(action.actionId);
    this.written.delete(action.actionId);
    try {
      const result = await this.client.invoke(action.name, action.input as never);
      this.settle(action, () => this.waiters.get(action.actionId)?.resolve(result));
      return true;
    } catch (error) {
      if (isDisconnected(error)) {
        // Normally the transport already reports the drop; if it still says open, try again soon.
        if (this.connected) setTimeout(() => void this.flush(), RETRY_WHILE_OPEN_MS);
        return false;
      }
      // The server answered with a refusal (the item was deleted, bad input): sending it again
      // cannot help, so it leaves the queue and whoever made it hears why.
      this.settle(action, () => this.reportRefusal(action, error));
      return true;
    }
  }

  private reportRefusal(action: StoredAction, error: unknown): void {
    const waiter = this.waiters.get(action.actionId);
    if (waiter) waiter.reject(error);
    else this.options.onOrphanError?.(error, action);
  }

  private settle(action: StoredAction, notify: () => void): void {
    this.queue = this.queue.filter((queued) => queued.actionId !== action.actionId);
    this.clearStallTimer();
    notify();
    this.waiters.delete(action.actionId);
    void this.options.storage.remove(action.actionId).catch((error: unknown) => {
      // Left behind, it is resent on the next load and ignored by the server: harmless.
      console.warn('reward-studio: could not remove an acknowledged action from browser storage:', error);
    });
    this.publish();
  }

  private armStallTimer(): void {
    this.clearStallTimer();
    this.stallTimer = setTimeout(() => {
      this.stalled = true;
      this.publish();
    }, this.stallMs);
  }

  private clearStallTimer(): void {
    if (this.stallTimer !== null) clearTimeout(this.stallTimer);
    this.stallTimer = null;
    this.stalled = false;
  }

  private publish(): void {
    const pending = this.queue.length;
    const next: OutboxState = { pending, stalled: pending > 0 && (this.stalled || !this.connected) };
    if (next.pending === this.state.pending && next.stalled === this.state.stalled) return;
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}

const outboxes = new WeakMap<StudioClient, ActionOutbox>();

/**
 * The one outbox of a client, made on first use: IndexedDB in a browser tab, memory in Electron
 * (see the file comment) or where IndexedDB is unavailable.
 */
export function outboxFor(client: StudioClient, reports: Pick<OutboxOptions, 'onOrphanError' | 'onHeld'> = {}): ActionOutbox {
  let outbox = outboxes.get(client);
  if (!outbox) {
    const storage = client.transportKind === 'websocket' && typeof indexedDB !== 'undefined' ? new IndexedDbOutboxStorage(indexedDB) : new MemoryOutboxStorage();
    outbox = new ActionOutbox(client, { storage, ...reports });
    outboxes.set(client, outbox);
  }
  return outbox;
}

/** Asks before the tab closes or reloads while actions are unsent (they would wait for the next load). */
export function warnBeforeUnload(outbox: ActionOutbox, scope: Pick<Window, 'addEventListener'> = window): void {
  scope.addEventListener('beforeunload', (event: BeforeUnloadEvent) => {
    if (!outbox.hasPending()) return;
    event.preventDefault();
    // Chromium still needs returnValue set to show the dialog.
    event.returnValue = '';
  });
}
