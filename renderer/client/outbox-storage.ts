/**
 * Where the action outbox keeps actions the server has not acknowledged yet. In a browser tab:
 * IndexedDB, so a judgment survives the tab being closed or reloaded while the server is down
 * (the next page load resends it). Memory: the Electron window (IPC cannot drop a call, and the
 * core lives as long as the window) and tests.
 */
import type { CommandInput } from './contract-types';

/** The annotation commands that go through the outbox: each carries an `actionId` the server applies once. */
export type OutboxCommand = 'judgments.save' | 'judgments.undo' | 'items.setFlag' | 'items.setNote';

export interface StoredAction<K extends OutboxCommand = OutboxCommand> {
  /** Client-made, sent with the command; the server ignores a second arrival. */
  actionId: string;
  /** Order of creation; replay follows it (an undo must come after the judgment it takes back). */
  seq: number;
  name: K;
  input: CommandInput<K> & { actionId: string };
  /**
   * The project folder it was made in: sent only while the server has that project open, so a
   * tab reopened on another project served at the same address (same origin, same IndexedDB)
   * never applies it there. Null: no check (older entries, tests).
   */
  projectDir: string | null;
  createdAt: number;
}

export interface OutboxStorage {
  /** Every stored action, oldest first. */
  load(): Promise<StoredAction[]>;
  put(action: StoredAction): Promise<void>;
  remove(actionId: string): Promise<void>;
}

export class MemoryOutboxStorage implements OutboxStorage {
  private readonly actions = new Map<string, StoredAction>();

  async load(): Promise<StoredAction[]> {
    return [...this.actions.values()].sort((a, b) => a.seq - b.seq);
  }

  async put(action: StoredAction): Promise<void> {
    this.actions.set(action.actionId, action);
  }

  async remove(actionId: string): Promise<void> {
    this.actions.delete(actionId);
  }
}

const DB_NAME = 'reward-studio-outbox';
const STORE = 'actions';

/** IndexedDB is per origin, i.e. per `serve` host and port: one outbox per studio server. */
export class IndexedDbOutboxStorage implements OutboxStorage {
  private database: Promise<IDBDatabase> | null = null;

  constructor(private readonly factory: IDBFactory) {}

  async load(): Promise<StoredAction[]> {
    const rows = await this.request<StoredAction[]>('readonly', (store) => store.getAll() as IDBRequest<StoredAction[]>);
    return rows.sort((a, b) => a.seq - b.seq);
  }

  async put(action: StoredAction): Promise<void> {
    await this.request('readwrite', (store) => store.put(action));
  }

  async remove(actionId: string): Promise<void> {
    await this.request('readwrite', (store) => store.delete(actionId));
  }

  private open(): Promise<IDBDatabase> {
    this.database ??= new Promise<IDBDatabase>((resolve, reject) => {
      const opening = this.factory.open(DB_NAME, 1);
      opening.onupgradeneeded = () => {
        opening.result.createObjectStore(STORE, { keyPath: 'actionId' });
      };
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error ?? new Error('IndexedDB refused to open the outbox.'));
    });
    return this.database;
  }

  private async request<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const database = await this.open();
    return new Promise<T>((resolve, reject) => {
      const transaction = database.transaction(STORE, mode);
      const request = run(transaction.objectStore(STORE));
      // Resolve on commit, not on the request's success: only then is the action on disk.
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB could not store the action.'));
      transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB aborted storing the action.'));
    });
  }
}
