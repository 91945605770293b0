/**
 * The Python worker kept warm with one reward model loaded (`python -m reward_studio score-server`).
 *
 * Requests go out as JSON lines on the worker's stdin and come back matched by id, so several
 * callers (the playground, HTTP requests) can share one process; the worker answers them in order.
 * If the worker dies, every pending request fails with the reason and the next request starts a
 * fresh worker: a crash costs one model load, never the studio.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { StudioError } from '../errors';
import { WORKERS_DIR, workerEnvironment } from '../environment/python-interpreter';
import { itemImages, type ItemOutcome, type RewardScorer, type ScoreItem } from './reward-scorer';

export interface PythonScorerOptions {
  python: string;
  /** A checkpoint folder, a run directory (its best/) or a merged export. */
  modelPath: string;
  label: string;
  baseModelName?: string;
  maxLength?: number;
  /** Padded tokens per forward pass (score-server --max_batch_tokens); the worker's default when absent. */
  maxBatchTokens?: number | undefined;
  /** How long loading may take before the worker is given up on (a 7B model on a slow disk takes minutes). */
  readyTimeoutMs?: number;
  env?: Record<string, string>;
  /** Aborting ends the worker at once (Ctrl-C while a large model is still loading). */
  signal?: AbortSignal;
}

/** What the worker says once its model is loaded. */
export interface ScorerReady {
  modelPath: string;
  isVl: boolean;
  device: 'cpu' | 'cuda';
  loadSeconds: number;
  freshHead: boolean;
}

interface WorkerError {
  message: string;
  hint?: string;
  /** `too_long`: the item does not fit in max_length (the HTTP API answers 413). */
  code?: string;
}

interface WorkerReply {
  id: number | null;
  results?: ({ scores: number[]; tokens?: number } | { error: WorkerError })[];
  error?: WorkerError;
}

interface Pending {
  resolve: (reply: WorkerReply) => void;
  reject: (error: Error) => void;
}

const DEFAULT_READY_TIMEOUT_MS = 10 * 60_000;
const CLOSE_GRACE_MS = 5_000;
const STDERR_LINES_KEPT = 40;
const SETUP_HINT = 'Check the Python environment (Settings → Training environment, or `npm run setup:worker`).';

/** One running worker process; PythonRewardScorer replaces it after a crash. */
class ScoreWorker {
  readonly child: ChildProcessWithoutNullStreams;
  readonly ready: Promise<ScorerReady>;
  readonly exited: Promise<void>;
  private readonly pending = new Map<number, Pending>();
  private readonly stderrLines: string[] = [];
  private nextId = 1;
  private alive = true;
  private closing = false;
  private workerFailure: WorkerError | null = null;

  constructor(private readonly options: PythonScorerOptions) {
    const args = ['-m', 'reward_studio', 'score-server', '--model_path', options.modelPath, '--max_length', String(options.maxLength ?? 4096)];
    if (options.baseModelName) args.push('--base_model_name', options.baseModelName);
    if (options.maxBatchTokens !== undefined) args.push('--max_batch_tokens', String(options.maxBatchTokens));
    this.child = spawn(options.python, args, { cwd: WORKERS_DIR, env: workerEnvironment(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let markReady: (ready: ScorerReady) => void = () => undefined;
    let failReady: (error: Error) => void = () => undefined;
    this.ready = new Promise<ScorerReady>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    // Nobody may be waiting on `ready` when a later crash happens; the rejection is reported elsewhere.
    this.ready.catch(() => undefined);
    let isReady = false;
    const timer = setTimeout(() => {
      failReady(new StudioError('internal', `Loading ${options.label} took longer than ${Math.round((options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS) / 1000)} s; the scoring worker was stopped.`, 'Try again; a large model on a slow disk may need the GPU or more memory.'));
      this.child.kill('SIGKILL');
    }, options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);

    this.exited = new Promise<void>((resolve) => {
      this.child.once('close', (code, signal) => {
        clearTimeout(timer);
        this.alive = false;
        const error = this.exitError(code, signal);
        if (!isReady) failReady(error);
        for (const pending of this.pending.values()) pending.reject(error);
        this.pending.clear();
        resolve();
      });
    });
    this.child.once('error', (error: NodeJS.ErrnoException) => {
      // 'close' follows a spawn error; remember why so its message names the interpreter.
      this.workerFailure = {
        message: `could not start the scoring worker with ${options.python}: ${error.message}`,
        hint: SETUP_HINT,
      };
    });
    options.signal?.addEventListener(
      'abort',
      () => {
        this.closing = true;
        this.child.kill('SIGKILL');
      },
      { once: true },
    );
    this.child.stdin.on('error', () => undefined); // a dead worker's pipe: reported through 'close'

    lines(this.child.stdout, (line) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(line) as Record<string, unknown>;
      } catch {
        this.keepStderr(line); // a stray print from a library: log material, not protocol
        return;
      }
      if (!isReady && message.type === 'ready') {
        isReady = true;
        clearTimeout(timer);
        markReady({
          modelPath: String(message.model_path),
          isVl: message.is_vl === true,
          device: message.device === 'cuda' ? 'cuda' : 'cpu',
          loadSeconds: Number(message.load_seconds),
          freshHead: message.fresh_head === true,
        });
        return;
      }
      const reply = message as unknown as WorkerReply;
      const pending = typeof reply.id === 'number' ? this.pending.get(reply.id) : undefined;
      if (pending && typeof reply.id === 'number') {
        this.pending.delete(reply.id);
        pending.resolve(reply);
      }
    });
    lines(this.child.stderr, (line) => {
      this.keepStderr(line);
      if (line.startsWith('{')) {
        try {
          const event = JSON.parse(line) as { event?: string; message?: string; hint?: string };
          if (event.event === 'error' && event.message) this.workerFailure = { message: event.message, hint: event.hint };
        } catch {
          // not a JSON event line
        }
      }
    });
  }

  get isAlive(): boolean {
    return this.alive;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  request(items: ScoreItem[]): Promise<WorkerReply> {
    if (!this.alive) return Promise.reject(this.exitError(null, null));
    const id = this.nextId++;
    const payload = { id, items: items.map(workerItem) };
    return new Promise<WorkerReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify(payload)}\n`);
    });
  }

  /** Ends the worker: EOF first (it exits by itself), SIGKILL if it has not after a grace period. */
  async close(): Promise<void> {
    if (!this.alive) return;
    this.closing = true;
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), CLOSE_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private keepStderr(line: string): void {
    this.stderrLines.push(line);
    if (this.stderrLines.length > STDERR_LINES_KEPT) this.stderrLines.shift();
  }

  private exitError(code: number | null, signal: NodeJS.Signals | null): StudioError {
    const label = this.options.label;
    if (this.closing) return new StudioError('cancelled', `The scoring worker for ${label} was closed before it answered.`, 'Send the request again.');
    if (this.workerFailure) {
      return new StudioError('bad_file', `Cannot score with ${label}: ${this.workerFailure.message}`, this.workerFailure.hint || SETUP_HINT);
    }
    const how = signal ? `was killed (${signal})` : `exited with code ${code ?? 'unknown'}`;
    const tail = this.stderrLines.slice(-6).join('\n');
    return new StudioError(
      'internal',
      `The scoring worker for ${label} ${how}${tail ? `:\n${tail}` : '.'}`,
      'The next request starts it again; if it keeps failing, the model may not fit in memory.',
    );
  }
}

export class PythonRewardScorer implements RewardScorer {
  readonly engine = 'python' as const;
  readonly label: string;
  private worker: ScoreWorker | null = null;
  private info: ScorerReady | null = null;
  private closed = false;

  private constructor(private readonly options: PythonScorerOptions) {
    this.label = options.label;
  }

  /** Starts the worker and waits until its model is loaded (rejects with the worker's own error). */
  static async start(options: PythonScorerOptions): Promise<PythonRewardScorer> {
    const scorer = new PythonRewardScorer(options);
    try {
      await scorer.ensureWorker();
    } catch (error) {
      await scorer.close();
      throw error;
    }
    return scorer;
  }

  get acceptsImages(): boolean {
    return this.info?.isVl ?? false;
  }

  /** What the worker reported when it loaded the model (device, load time, fresh head). */
  get readyInfo(): ScorerReady | null {
    return this.info;
  }

  /** The worker's process id, or null while none runs (tests use it to simulate a crash). */
  get pid(): number | null {
    return this.worker?.isAlive ? (this.worker.child.pid ?? null) : null;
  }

  /** Requests sent to the worker and not answered yet. */
  get pendingRequests(): number {
    return this.worker?.pendingCount ?? 0;
  }

  async score(items: ScoreItem[]): Promise<number[][]> {
    return (await this.scoreEach(items)).map((outcome) => {
      if ('error' in outcome) throw outcome.error;
      return outcome.scores;
    });
  }

  async scoreEach(items: ScoreItem[]): Promise<ItemOutcome[]> {
    if (items.length === 0) return [];
    const worker = await this.ensureWorker();
    if (!this.acceptsImages && items.some((item) => itemImages(item).length > 0)) {
      throw new StudioError('invalid_input', `${this.label} is a text-only model and cannot read images.`, 'Remove the image, or choose a vision-language checkpoint.');
    }
    const reply = await worker.request(items);
    if (reply.error) throw new StudioError('invalid_input', reply.error.message, reply.error.hint);
    const results = reply.results ?? [];
    if (results.length !== items.length) {
      throw new StudioError('internal', `The scoring worker answered ${results.length} results for ${items.length} items.`, 'This is a bug in Reward Studio.');
    }
    return results.map((result) => {
      if ('error' in result) {
        const { message, hint, code } = result.error;
        return { error: new StudioError(code === 'too_long' ? 'too_large' : 'invalid_input', message, hint) };
      }
      return { scores: result.scores, tokens: result.tokens ?? 0 };
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    await worker?.close();
  }

  private async ensureWorker(): Promise<ScoreWorker> {
    if (this.closed) throw new StudioError('cancelled', `The scorer for ${this.label} was closed.`, 'Choose the model again.');
    if (!this.worker || !this.worker.isAlive) this.worker = new ScoreWorker(this.options);
    const worker = this.worker;
    this.info = await worker.ready;
    return worker;
  }
}

/** An item as score-server reads it: a query and its image, the conversation with one image per image part, or a rendered text. */
function workerItem(item: ScoreItem): Record<string, unknown> {
  const { conversation, rendered } = item;
  if (rendered) return { text: rendered.text, images: rendered.images.map((image) => image.toString('base64')) };
  if (!conversation) return { query: item.query, responses: item.responses, image: item.image ? item.image.toString('base64') : null };
  return {
    query: item.query,
    responses: item.responses,
    messages: conversation.messages,
    tools: conversation.tools,
    images: conversation.images.map((image) => image.toString('base64')),
  };
}

/** Calls `onLine` for every complete line of a stream (UTF-8; a multi-byte character may span chunks). */
function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    partial += chunk;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const part of parts) if (part.trim() !== '') onLine(part.replace(/\r$/, ''));
  });
  stream.on('end', () => {
    if (partial.trim() !== '') onLine(partial);
    partial = '';
  });
}
