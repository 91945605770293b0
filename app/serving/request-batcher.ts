/**
 * Dynamic batching for the reward-model HTTP API. RL trainers send one sample per request from many
 * workers at once (OpenRLHF's remote reward: one query per POST); scoring each alone spends a worker
 * round trip and a forward pass per sample. Here concurrent requests wait in one queue and go to the
 * scorer together: the first waits at most `maxWaitMs` for company while the scorer is idle, and
 * everything that arrives while a batch is being scored goes in the next one. One scorer call holds
 * at most `maxSequences` sequences and `maxChars` characters of text (characters stand in for tokens
 * here; the Python worker cuts each call into forward passes by padded tokens, `--max_batch_tokens`).
 *
 * Each request gets its own items' outcomes back, in its order; a bad item fails its own request
 * only. A request larger than one call's limits is refused (413), and when more than
 * `maxQueuedSequences` sequences are waiting a new request is refused with 503 + Retry-After (the
 * clients retry) rather than queued without bound.
 */
import { StudioError } from '../errors';
import type { ItemOutcome, RewardScorer, ScoreItem } from '../scoring/reward-scorer';

export interface BatchingLimits {
  /** Gather requests into shared scorer calls (false: one call per request, in arrival order). */
  enabled: boolean;
  /** How long the first waiting request waits for others while the scorer is idle. */
  maxWaitMs: number;
  /** Sequences (response texts) in one scorer call; a request with more is refused. */
  maxSequences: number;
  /** Characters of text in one scorer call; a request with more is refused. */
  maxChars: number;
  /** Sequences waiting or being scored; beyond it new requests get 503 + Retry-After. */
  maxQueuedSequences: number;
}

export const DEFAULT_BATCHING: BatchingLimits = {
  enabled: true,
  maxWaitMs: 2,
  maxSequences: 256,
  maxChars: 2_000_000,
  maxQueuedSequences: 8192,
};

/** Seconds a client told "the queue is full" is asked to wait before retrying. */
export const QUEUE_FULL_RETRY_AFTER_S = 1;

interface Waiting {
  items: ScoreItem[];
  sequences: number;
  chars: number;
  arrived: number;
  resolve(outcomes: ItemOutcome[]): void;
  reject(error: unknown): void;
}

export class QueueFullError extends StudioError {
  constructor(queued: number) {
    super('busy', `The server is busy: ${queued} sequences are waiting to be scored.`, `Retry after ${QUEUE_FULL_RETRY_AFTER_S} s (the Retry-After header), or send fewer concurrent requests.`);
  }
}

export class RequestBatcher {
  private readonly queue: Waiting[] = [];
  /** Sequences waiting or in a scorer call now (what the backpressure limit counts). */
  private load = 0;
  private scoring = false;
  private timer: NodeJS.Timeout | null = null;
  /** Scorer calls made and sequences scored (the benchmark reports the mean batch). */
  readonly stats = { calls: 0, sequences: 0 };

  constructor(
    private readonly scorer: RewardScorer,
    private readonly limits: BatchingLimits,
  ) {}

  /** Scores one request's items, alone or in a shared call; one outcome per item, in order. */
  async score(items: ScoreItem[]): Promise<ItemOutcome[]> {
    const sequences = items.reduce((sum, item) => sum + item.responses.length, 0);
    const chars = items.reduce((sum, item) => sum + itemChars(item), 0);
    if (sequences > this.limits.maxSequences || chars > this.limits.maxChars) {
      throw new StudioError(
        'too_large',
        `The request holds ${sequences} sequences and ${chars} characters of text; one request may hold at most ${this.limits.maxSequences} sequences and ${this.limits.maxChars} characters.`,
        'Split it into smaller requests (they are batched together on the server anyway).',
      );
    }
    if (this.load + sequences > this.limits.maxQueuedSequences) throw new QueueFullError(this.load);
    this.load += sequences;
    try {
      if (!this.limits.enabled || !this.scorer.scoreEach) return await this.scoreAlone(items);
      return await new Promise<ItemOutcome[]>((resolve, reject) => {
        this.queue.push({ items, sequences, chars, arrived: Date.now(), resolve, reject });
        this.schedule();
      });
    } finally {
      this.load -= sequences;
    }
  }

  /** Rejects everything still waiting (the server is closing). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const error = new StudioError('cancelled', 'The server is stopping.', 'Send the request again once it runs.');
    for (const waiting of this.queue.splice(0)) waiting.reject(error);
  }

  private async scoreAlone(items: ScoreItem[]): Promise<ItemOutcome[]> {
    this.stats.calls += 1;
    this.stats.sequences += items.reduce((sum, item) => sum + item.responses.length, 0);
    if (this.scorer.scoreEach) return this.scorer.scoreEach(items);
    const scores = await this.scorer.score(items);
    return scores.map((itemScores) => ({ scores: itemScores, tokens: 0 }));
  }

  /** Starts the next call now, or once the oldest request has waited maxWaitMs; never two at once. */
  private schedule(): void {
    if (this.scoring || this.timer || this.queue.length === 0) return;
    const oldest = this.queue[0] as Waiting;
    const waited = Date.now() - oldest.arrived;
    const queued = this.queue.reduce((sum, waiting) => sum + waiting.sequences, 0);
    if (queued >= this.limits.maxSequences || waited >= this.limits.maxWaitMs) {
      void this.dispatch();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.dispatch();
    }, this.limits.maxWaitMs - waited);
  }

  private async dispatch(): Promise<void> {
    if (this.scoring || this.queue.length === 0) return;
    const batch = this.takeBatch();
    this.scoring = true;
    try {
      const items = batch.flatMap((waiting) => waiting.items);
      this.stats.calls += 1;
      this.stats.sequences += batch.reduce((sum, waiting) => sum + waiting.sequences, 0);
      const outcomes = await (this.scorer.scoreEach as NonNullable<RewardScorer['scoreEach']>).call(this.scorer, items);
      let offset = 0;
      for (const waiting of batch) {
        waiting.resolve(outcomes.slice(offset, offset + waiting.items.length));
        offset += waiting.items.length;
      }
    } catch (error) {
      for (const waiting of batch) waiting.reject(error); // the worker died or refused the call: every request in it fails
    } finally {
      this.scoring = false;
      this.schedule();
    }
  }

  /** The oldest requests that fit one call together (always at least one). */
  private takeBatch(): Waiting[] {
    const batch: Waiting[] = [];
    let sequences = 0;
    let chars = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0] as Waiting;
      if (batch.length > 0 && (sequences + next.sequences > this.limits.maxSequences || chars + next.chars > this.limits.maxChars)) break;
      batch.push(this.queue.shift() as Waiting);
      sequences += next.sequences;
      chars += next.chars;
    }
    return batch;
  }
}

/** The text an item makes the model read, in characters (the batch bound's stand-in for tokens). */
function itemChars(item: ScoreItem): number {
  const responses = item.responses.reduce((sum, response) => sum + response.length, 0);
  if (item.rendered) return item.rendered.text.length;
  if (!item.conversation) return item.query.length + responses;
  const messages = item.conversation.messages.reduce((sum, message) => {
    if (typeof message.content === 'string') return sum + message.content.length;
    return sum + message.content.reduce((partSum, part) => partSum + (part.type === 'text' ? part.text.length : 0), 0);
  }, 0);
  return messages + responses;
}
