/**
 * The Annotate queue, kept outside React: the ids in queue order (paged in as the person moves
 * on), a cache of fetched items, their decoded images, the writes in flight, and where the person
 * is. React reads an immutable snapshot through useSyncExternalStore, so a key press that moves to
 * a prefetched item is one synchronous re-render with nothing to wait for.
 *
 * Why a local id list instead of asking the server "what is next" each time: judging an item moves
 * it to the end of the server's queue order, so offsets shift under us; the list keeps previous /
 * next stable for the whole session and compensates the offset for items that left the prefix.
 *
 * A team member's queue is the items the server handed to them, a batch at a time, and asking
 * `items.list` again hands out more: so for a member the end of the list is never final. Near the
 * end and on reaching it the session asks again, and it says 'done' only when that brought nothing
 * new; `checkAgain()` asks once more (the "Check again" button).
 */
import type { ActionOutbox } from '../../client/action-outbox';
import type { StudioClient } from '../../client/studio-client';
import { describeError } from '../../client/studio-client-error';
import { usableShownOrder } from './ranking-from-decision';
import type { JudgmentDraft } from './ranking-from-decision';
import { queueListInput, type QueueFilters } from './queue-filters';
import type { CommandInput, CommandResult, ItemDetail } from '../../client/contract-types';

/** `items.get` with an annotator carries that annotator's shuffled display order. */
export type QueueItem = ItemDetail & { shownOrder?: number[] | null };

const PAGE_SIZE = 100;
/** Items fetched (data + decoded images) ahead of the current one. */
const PREFETCH_AHEAD = 3;
/** Fetch the next page of ids when this few are left ahead. */
const REFILL_WHEN_LEFT = 20;
const MAX_CACHED_ITEMS = 60;
const MAX_DECODED_IMAGES = 40;

export type SessionStatus = 'loading' | 'ready' | 'empty' | 'done' | 'error';

export interface SessionSnapshot {
  status: SessionStatus;
  /** The item on screen; during 'loading' the previous one may still be shown. */
  item: QueueItem | null;
  /** Display order of `item`'s responses (original indices by screen position). */
  order: number[];
  /** The annotator's own judgment on `item`, if any. */
  mine: QueueItem['judgments'][number] | null;
  position: number;
  /** Items in the queue as the server last counted them. */
  total: number | null;
  /** Decisions saved in this session (minus undone ones). */
  decided: number;
  /** Writes of this session not yet confirmed by the server (the outbox counts every page's). */
  saving: number;
  error: { message: string; hint: string | undefined } | null;
}

type Listener = () => void;

export interface SessionCallbacks {
  /** A write failed after the person had moved on: say which item, so they can go back. */
  onWriteError(error: unknown, action: string): void;
  /** The server confirmed a judgment (saved or undone): figures shown elsewhere may have changed. */
  onJudgmentConfirmed?(): void;
}

export interface SessionOptions {
  /**
   * A team member's queue: the server hands out items a batch at a time as the list is asked for,
   * so reaching the end asks again instead of ending the session.
   */
  memberQueue?: boolean;
}

/** A member's queue asks for more when this few items are left ahead of the current one. */
const MEMBER_REFILL_WHEN_LEFT = 2;
/**
 * At the end of a member's queue, how long to wait for their last judgments to reach the server
 * before asking for more: items they still hold unjudged count against the batch, so asking first
 * would bring nothing and end the queue too early. Offline the writes wait longer; ask anyway.
 */
const MEMBER_END_WAIT_MS = 5000;

/** What an undo took back, for the person to see (the Annotate toast). */
export type UndoOutcome =
  | { kind: 'nothing' }
  | {
      kind: 'undone';
      itemId: string | null;
      /** The change undone: a new judgment, a changed one, a removed one; null offline (not known yet). */
      action: 'create' | 'update' | 'delete' | null;
      /** Offline: taken back on screen, sent when the connection is back. */
      offline: boolean;
    };

export class AnnotationSession {
  private ids: string[] = [];
  private readonly known = new Set<string>();
  private index = 0;
  private total: number | null = null;
  /** Ids that left the server's queue prefix during this session (judged by me), for offsets. */
  private departed = 0;
  private exhausted = false;
  /** Member queue: the state (ids known, decided) at the last ask made ahead of the end, so moving around does not ask again. */
  private lastRefillKey: string | null = null;
  private pageInFlight: Promise<void> | null = null;
  private readonly items = new Map<string, QueueItem>();
  private readonly itemRequests = new Map<string, Promise<QueueItem | null>>();
  private readonly decodedImages = new Map<string, HTMLImageElement>();
  /** Items whose last fetch failed for a reason other than being deleted (e.g. the server was down). */
  private readonly unreachable = new Set<string>();
  private saving = 0;
  /** The writes `saving` counts, to wait for at the end of a member's queue. */
  private readonly writes = new Set<Promise<unknown>>();
  /** Items judged in this session, latest last: where an undo made offline goes back to. */
  private readonly decidedIds: string[] = [];
  private connected = true;
  private readonly stopWatchingConnection: () => void;
  private decided = 0;
  private status: SessionStatus = 'loading';
  private error: SessionSnapshot['error'] = null;
  private disposed = false;
  private snapshot: SessionSnapshot;
  private readonly listeners = new Set<Listener>();

  /**
   * Judgments, undo, notes and flags go through `outbox`, which keeps them until the server
   * acknowledges them and resends them after a dropped connection; reads go to `client` directly.
   */
  constructor(
    private readonly client: StudioClient,
    private readonly outbox: ActionOutbox,
    /** The project the queue belongs to: actions are sent only to a server that has it open. */
    private readonly projectDir: string,
    readonly annotator: string,
    private readonly filters: QueueFilters,
    private readonly callbacks: SessionCallbacks,
    private readonly options: SessionOptions = {},
  ) {
    this.snapshot = this.buildSnapshot();
    this.stopWatchingConnection = client.onConnection((status) => this.onConnection(status.state === 'open'));
  }

  // ----- React side -----

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): SessionSnapshot => this.snapshot;

  /** Whether the item at the current position is already in memory (the latency probe notes it). */
  currentIsCached(): boolean {
    const id = this.ids[this.index];
    return id !== undefined && this.items.has(id);
  }

  async start(): Promise<void> {
    await this.loadMoreIds();
    if (this.disposed) return;
    if (this.ids.length === 0) {
      this.setStatus(this.error ? 'error' : 'empty');
      return;
    }
    await this.showIndex(0);
  }

  /**
   * Asks the server again for items (a member's "Check again" at the end of their queue, or on an
   * empty one) and shows the first new one; stays 'done' or 'empty' when nothing came.
   */
  async checkAgain(): Promise<void> {
    if (this.disposed) return;
    if (this.status !== 'done' && this.status !== 'empty' && this.status !== 'error') return;
    this.setStatus('loading');
    await this.showIndex(Math.min(this.index, this.ids.length));
  }

  dispose(): void {
    this.disposed = true;
    this.stopWatchingConnection();
    this.listeners.clear();
    this.decodedImages.clear();
  }

  // ----- moving -----

  next(): void {
    void this.showIndex(this.index + 1);
  }

  previous(): void {
    if (this.index > 0) void this.showIndex(this.index - 1);
  }

  /** Shows an item by id: where it already is in the queue, or inserted right after the current one. */
  async goTo(id: string): Promise<boolean> {
    const at = this.ids.indexOf(id);
    if (at >= 0) {
      await this.showIndex(at);
      return true;
    }
    const item = await this.fetchItem(id);
    if (!item) return false;
    const insertAt = this.ids.length === 0 ? 0 : Math.min(this.ids.length, this.index + (this.current() ? 1 : 0));
    this.ids.splice(insertAt, 0, id);
    this.known.add(id);
    await this.showIndex(insertAt);
    return true;
  }

  // ----- deciding -----

  /** Saves a decision on the current item and moves on at once; the write is confirmed in the background. */
  decide(draft: JudgmentDraft, timeMs: number | null): void {
    const item = this.current();
    if (!item) return;
    const order = usableShownOrder(item.shownOrder, item.responses.length);
    const wasMine = item.judgments.some((judgment) => judgment.annotator === this.annotator && judgment.source !== 'adjudication');
    const input: CommandInput<'judgments.save'> = {
      itemId: item.id,
      annotator: this.annotator,
      ranking: draft.ranking,
      decision: draft.decision,
      strength: draft.strength,
      timeMs: timeMs === null ? undefined : Math.max(0, Math.round(timeMs)),
      shownOrder: order,
    };
    if (!wasMine) this.departed += 1;
    this.decided += 1;
    this.decidedIds.push(item.id);
    const saved = this.outbox.send('judgments.save', input, this.projectDir).then((fresh) => {
      this.remember(this.merge(fresh, item));
      this.callbacks.onJudgmentConfirmed?.();
    });
    this.track(saved, 'Saving your judgment on item ' + item.id, () => {
      if (this.decided > 0) this.decided -= 1;
    });
    this.next();
  }

  /**
   * Takes back the annotator's last change (server-side history) and shows that item again.
   * Offline the undo waits in the outbox behind the judgments it may take back, and the queue
   * goes back to the item judged last in this session without waiting for the server's answer.
   */
  async undo(): Promise<UndoOutcome> {
    const answered = this.outbox.send('judgments.undo', { annotator: this.annotator }, this.projectDir);
    const lastHere = this.decidedIds.pop();
    if (!this.connected && lastHere !== undefined) {
      if (this.decided > 0) this.decided -= 1;
      this.track(answered.then((result) => this.applyUndo(result, false)), 'Undo', () => {});
      await this.goTo(lastHere);
      return { kind: 'undone', itemId: lastHere, action: null, offline: true };
    }
    const result = await answered;
    if (result.undone) this.callbacks.onJudgmentConfirmed?.();
    const itemId = this.applyUndo(result, true);
    if (!result.undone) return { kind: 'nothing' };
    const outcome: UndoOutcome = { kind: 'undone', itemId: result.undone.itemId, action: result.undone.action, offline: false };
    if (itemId !== null) await this.goTo(itemId);
    return outcome;
  }

  /** Shows the flag at once; the change reaches the server through the outbox. */
  async setFlag(flagged: boolean): Promise<void> {
    const item = this.current();
    if (!item) return;
    this.remember({ ...item, flagged });
    this.refresh();
    this.track(this.outbox.send('items.setFlag', { ids: [item.id], flagged }, this.projectDir), `Flagging ${item.id}`, () => {});
  }

  /** Shows the note at once (the dialog closes even offline); the outbox delivers it. */
  async setNote(note: string | null): Promise<void> {
    const item = this.current();
    if (!item) return;
    this.remember({ ...item, note: note === null || note.trim() === '' ? null : note });
    this.refresh();
    const saved = this.outbox.send('items.setNote', { id: item.id, note }, this.projectDir).then((fresh) => {
      this.remember(this.merge(fresh, this.items.get(item.id) ?? item));
      this.refresh();
    });
    this.track(saved, `Saving the note on ${item.id}`, () => {});
  }

  /** Another window or person changed an item: forget it, unless it is on screen (then reload it). */
  invalidate(itemId: string): void {
    if (this.ids[this.index] === itemId) {
      this.itemRequests.delete(itemId);
      void this.fetchItem(itemId, true).then(() => this.refresh());
    } else {
      this.items.delete(itemId);
    }
  }

  // ----- internals -----

  private current(): QueueItem | null {
    const id = this.ids[this.index];
    return id === undefined ? null : (this.items.get(id) ?? null);
  }

  private async showIndex(target: number): Promise<void> {
    if (this.disposed || target < 0) return;
    if (target >= this.ids.length) {
      // A member's queue is handed out a batch at a time: at its end, ask again for more, once
      // the judgments made here have reached the server (held items count against the batch).
      if (this.options.memberQueue) await this.askMemberQueueAtEnd(target);
      else await this.loadMoreIds();
      if (this.disposed) return;
      if (target >= this.ids.length) {
        this.index = this.ids.length;
        this.setStatus(this.ids.length === 0 ? 'empty' : 'done');
        return;
      }
    }
    this.index = target;
    const id = this.ids[target] as string;
    if (this.items.has(id)) {
      this.setStatus('ready');
    } else {
      this.setStatus('loading');
      const item = await this.fetchItem(id);
      if (this.disposed || this.ids[this.index] !== id) return;
      if (!item && this.unreachable.has(id)) {
        // Offline or the server failed: keep it in the queue and say so; reconnecting retries.
        this.setStatus('error');
        return;
      }
      if (!item) {
        // Deleted since the list was read: drop it and show what comes after.
        this.ids.splice(target, 1);
        await this.showIndex(target);
        return;
      }
      this.setStatus(this.error ? 'error' : 'ready');
    }
    this.prefetchAround();
  }

  private prefetchAround(): void {
    for (let ahead = 1; ahead <= PREFETCH_AHEAD; ahead += 1) {
      const id = this.ids[this.index + ahead];
      if (id !== undefined) void this.fetchItem(id);
    }
    if (!this.exhausted && this.ids.length - this.index <= REFILL_WHEN_LEFT) void this.loadMoreIds();
    else if (this.exhausted && this.options.memberQueue) this.refillMemberQueue();
  }

  /**
   * A member reached the end of what was handed to them: let an ask already on its way answer,
   * then (if it brought nothing for `target`) wait for their judgments to reach the server and ask
   * once more from the top. Only an answer to that last ask may end the queue.
   */
  private async askMemberQueueAtEnd(target: number): Promise<void> {
    if (this.pageInFlight) await this.pageInFlight;
    if (this.disposed || target < this.ids.length) return;
    if (this.writes.size > 0) {
      this.setStatus('loading');
      await this.writesSettled();
      if (this.disposed || target < this.ids.length) return;
    }
    // A background ask started while waiting went out before the last write was answered.
    if (this.pageInFlight) await this.pageInFlight;
    if (this.disposed || target < this.ids.length) return;
    this.exhausted = false;
    await this.loadMoreIds(true);
  }

  /**
   * A member near the end of what was handed to them: ask for more now, so the next batch is there
   * before they get to the end. Once per (ids known, judgments made), so going back and forth
   * does not ask each time.
   */
  private refillMemberQueue(): void {
    if (this.ids.length - this.index - 1 > MEMBER_REFILL_WHEN_LEFT) return;
    const key = `${this.ids.length}:${this.decided}:${this.decidedIds.length}:${this.saving}`;
    if (key === this.lastRefillKey) return;
    this.lastRefillKey = key;
    this.exhausted = false;
    void this.loadMoreIds(true);
  }

  /**
   * `fromStart`: a member's queue asked again after its end. Newly handed items may sort anywhere
   * among the ones held (an item another person's lease gave back can come first), so the pages
   * are read from the top; the ids already known are skipped.
   */
  private loadMoreIds(fromStart = false): Promise<void> {
    if (this.exhausted) return Promise.resolve();
    if (this.pageInFlight) return this.pageInFlight;
    this.pageInFlight = (async () => {
      try {
        let offset = fromStart ? 0 : Math.max(0, this.ids.length - this.departed);
        // A page that brings nothing new (items moved under us) is skipped, a few times at most.
        for (let attempt = 0; attempt < 5; attempt += 1) {
          const page = await this.client.invoke('items.list', queueListInput(this.filters, this.annotator, offset, PAGE_SIZE));
          if (this.disposed) return;
          this.total = page.total;
          let added = 0;
          for (const summary of page.items) {
            if (this.known.has(summary.id)) continue;
            this.known.add(summary.id);
            this.ids.push(summary.id);
            added += 1;
          }
          if (page.items.length < PAGE_SIZE) this.exhausted = true;
          if (added > 0 || this.exhausted) break;
          offset += PAGE_SIZE;
        }
        this.error = null;
      } catch (error) {
        const { message, hint } = describeError(error);
        this.error = { message, hint };
      } finally {
        this.pageInFlight = null;
        this.refresh();
      }
    })();
    return this.pageInFlight;
  }

  private fetchItem(id: string, force = false): Promise<QueueItem | null> {
    const cached = this.items.get(id);
    if (cached && !force) return Promise.resolve(cached);
    const pending = this.itemRequests.get(id);
    if (pending) return pending;
    const request = this.client.invoke('items.get', { id, annotator: this.annotator }).then(
      (item: QueueItem) => {
        this.itemRequests.delete(id);
        this.unreachable.delete(id);
        this.remember(item);
        return item;
      },
      (error: unknown) => {
        this.itemRequests.delete(id);
        const described = describeError(error);
        if (described.code === 'not_found') return null;
        this.unreachable.add(id);
        this.error = { message: described.message, hint: described.hint };
        this.refresh();
        return null;
      },
    );
    this.itemRequests.set(id, request);
    return request;
  }

  /** Keeps an item and starts decoding its images, so showing it later paints in one frame. */
  private remember(item: QueueItem): void {
    this.items.delete(item.id);
    this.items.set(item.id, item);
    while (this.items.size > MAX_CACHED_ITEMS) {
      const oldest = this.items.keys().next().value as string;
      if (oldest === this.ids[this.index]) break;
      this.items.delete(oldest);
    }
    for (const image of item.images) this.decode(this.client.mediaUrl(image.relPath));
  }

  private decode(url: string): void {
    if (this.decodedImages.has(url)) return;
    const image = new Image();
    image.decoding = 'async';
    image.src = url;
    // Holding the element keeps the decoded bitmap alive in the renderer's image cache.
    this.decodedImages.set(url, image);
    image.decode().catch(() => {
      // A broken image shows its own error in the frame; nothing to do here.
    });
    while (this.decodedImages.size > MAX_DECODED_IMAGES) {
      const oldest = this.decodedImages.keys().next().value as string;
      this.decodedImages.delete(oldest);
    }
  }

  /** Results of writes may lack the per-annotator display order; keep the one we showed. */
  private merge(fresh: QueueItem, previous: QueueItem | null | undefined): QueueItem {
    if (fresh.shownOrder && fresh.shownOrder.length === fresh.responses.length) return fresh;
    return { ...fresh, shownOrder: previous?.shownOrder ?? null };
  }

  /**
   * Counts a write until the server answers. The outbox keeps the order (undo sees every earlier
   * judgment) and resends after a drop, so an error here is a refusal: say which action it was.
   */
  private track(write: Promise<unknown>, action: string, onRefused: () => void): void {
    this.saving += 1;
    this.refresh();
    const tracked = write
      .catch((error: unknown) => {
        onRefused();
        this.callbacks.onWriteError(error, action);
      })
      .finally(() => {
        this.saving -= 1;
        this.writes.delete(tracked);
        this.refresh();
        // A member's judgment arrived: their held items went down, so more can be handed out.
        if (this.options.memberQueue && this.exhausted && this.status === 'ready') this.refillMemberQueue();
      });
    this.writes.add(tracked);
  }

  /** Resolves when every write in flight now is answered, or after MEMBER_END_WAIT_MS. */
  private writesSettled(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, MEMBER_END_WAIT_MS);
      void Promise.allSettled([...this.writes]).then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Brings the counts and the cache in line with an undo's answer; returns the item to show, or
   * null. `counted`: whether `decided` still includes the undone judgment (not when the offline
   * path already took it off).
   */
  private applyUndo(result: CommandResult<'judgments.undo'>, counted: boolean): string | null {
    if (!result.undone) return null;
    if (counted && this.decided > 0) this.decided -= 1;
    if (result.undone.action === 'create' && this.departed > 0) this.departed -= 1;
    const itemId = result.undone.itemId;
    if (!itemId) return null;
    const cached = this.items.get(itemId);
    if (result.item) this.remember(this.merge(result.item, cached));
    else this.items.delete(itemId);
    this.refresh();
    return itemId;
  }

  /**
   * Back online: the item that could not load while offline is fetched again, and so are the
   * prefetches that failed meanwhile — they are what the person can judge if it drops again.
   */
  private onConnection(open: boolean): void {
    this.connected = open;
    if (!open || this.disposed || this.ids.length === 0) return;
    if (this.status === 'error') void this.showIndex(this.index);
    else if (this.status === 'ready') this.prefetchAround();
  }

  private setStatus(status: SessionStatus): void {
    this.status = status;
    this.refresh();
  }

  private refresh(): void {
    if (this.disposed) return;
    const next = this.buildSnapshot();
    const previous = this.snapshot;
    if (
      next.status === previous.status &&
      next.item === previous.item &&
      next.position === previous.position &&
      next.total === previous.total &&
      next.decided === previous.decided &&
      next.saving === previous.saving &&
      next.error === previous.error
    ) {
      return;
    }
    this.snapshot = next;
    for (const listener of [...this.listeners]) listener();
  }

  private buildSnapshot(): SessionSnapshot {
    const item = this.current() ?? (this.status === 'loading' ? (this.snapshot?.item ?? null) : null);
    const order = item ? usableShownOrder(item.shownOrder, item.responses.length) : [];
    const mine = item?.judgments.find((judgment) => judgment.annotator === this.annotator && judgment.source !== 'adjudication') ?? null;
    return {
      status: this.status,
      item,
      order,
      mine,
      position: this.index,
      total: this.total,
      decided: this.decided,
      saving: this.saving,
      error: this.error,
    };
  }
}
