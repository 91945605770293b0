/**
 * A studio's scoring state: the warm scorer cache behind the score playground, and the one
 * reward-model HTTP server the Serve button runs. Owned by the Studio (one per open project:
 * checkpoint ids mean nothing in another project, so switching projects closes it).
 */
import path from 'node:path';
import { StudioError } from '../errors';
import type { EventBus } from '../rpc/event-bus';
import { isLoopback } from '../server/studio-server';
import { startRewardApi, type RewardApiServer } from '../serving/reward-api-server';
import type { RunManager } from '../runs/run-manager';
import { loadScorer } from './load-scorer';
import { resolveModelRef, type ResolvedModel } from './model-resolver';
import { resizeNotice } from '../onnx/image-resize-notice';
import { decodeScoreImage, readUploadedScoreImage } from './score-image';
import { UPLOADS_DIR } from '../store/project-layout';
import { ScorerCache } from './scorer-cache';
import type { ModelRef, ScoreRequest, ScoreResult, ServeStatus } from './types';

export interface ScoringSessionDeps {
  projectDir: string;
  runs: () => RunManager;
  python: () => string;
  events: EventBus;
}

interface Serving {
  server: RewardApiServer;
  status: ServeStatus;
  key: string;
}

/** Request-count updates reach the Serve panel at most this often. */
const REQUEST_EVENT_INTERVAL_MS = 1000;

export class ScoringSession {
  private readonly cache: ScorerCache;
  private serving: Serving | null = null;
  private starting = false;
  private countTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: ScoringSessionDeps) {
    this.cache = new ScorerCache((model) => loadScorer(model, { python: deps.python() }));
  }

  resolve(ref: ModelRef): ResolvedModel {
    return resolveModelRef(this.deps.runs(), this.deps.projectDir, ref);
  }

  /** The playground: one prompt, its responses, scored by the chosen model (kept warm for the next request). */
  async score(ref: ModelRef, request: ScoreRequest): Promise<ScoreResult> {
    const model = this.resolve(ref);
    const image = await this.image(request);
    const { scorer, loaded } = await this.cache.use(model);
    if (image && !scorer.acceptsImages) {
      throw new StudioError('invalid_input', `${model.label} is a text-only model and cannot read images.`, 'Remove the image, or choose a vision-language checkpoint.');
    }
    const started = performance.now();
    const item = { query: request.query, responses: request.responses, image };
    const { scores: [scores], resized: [resize] } = scorer.scoreWithResizes
      ? await scorer.scoreWithResizes([item])
      : { scores: await scorer.score([item]), resized: [null] };
    const notice = resizeNotice([resize]);
    return {
      scores: scores ?? [],
      engine: scorer.engine,
      model: model.label,
      milliseconds: performance.now() - started,
      loaded,
      imageResize: resize && notice ? { ...resize, notice } : null,
    };
  }

  private async image(request: ScoreRequest): Promise<Buffer | null> {
    if (!request.imageFile) return decodeScoreImage(request.image, 'The image');
    if (request.image) throw new StudioError('invalid_input', 'both an image and an uploaded image file were sent', 'Send one of them.');
    return readUploadedScoreImage(path.join(this.deps.projectDir, UPLOADS_DIR), request.imageFile, 'The image');
  }

  status(): ServeStatus | null {
    return this.serving ? { ...this.serving.status } : null;
  }

  /**
   * Starts the HTTP API once the model has loaded (a model that cannot load is an error here, not a 503 later).
   * `apiKey`, when given, is handed to the server only: the status says that a key is required, never which.
   */
  async startServing(ref: ModelRef, host: string, port: number, apiKey?: string): Promise<ServeStatus> {
    if (this.serving || this.starting) {
      const current = this.serving?.status;
      throw new StudioError('busy', current ? `The API already serves ${current.modelLabel} at ${current.url}.` : 'The API is already starting.', 'Stop it first, then start it with another model.');
    }
    this.starting = true;
    try {
      const model = this.resolve(ref);
      const scorer = this.cache.use(model, { pin: true }).then((cached) => cached.scorer);
      let server: RewardApiServer;
      try {
        server = await startRewardApi({
          host,
          port,
          model: { label: model.label, engine: model.engine },
          scorer,
          onRequest: () => this.countRequest(),
          apiKey,
        });
      } catch (error) {
        await scorer.then(() => this.cache.unpin(model.key), () => undefined);
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          throw new StudioError('busy', `Port ${port} on ${host} is already in use.`, 'Choose another port.');
        }
        throw new StudioError('invalid_input', `Cannot listen on ${host}:${port}: ${(error as Error).message}`, 'Use 127.0.0.1 (this machine only) or 0.0.0.0 (every network interface).');
      }
      try {
        await scorer;
      } catch (error) {
        await server.close();
        throw error;
      }
      if (!isLoopback(host) && !apiKey) {
        console.warn(`WARNING: the reward-model API listens on ${host}:${server.port}, reachable from other machines, without an API key.`);
      }
      const status: ServeStatus = {
        url: server.url,
        host,
        port: server.port,
        model: ref,
        modelLabel: model.label,
        engine: model.engine,
        startedAt: new Date().toISOString(),
        requests: 0,
        apiKeyRequired: Boolean(apiKey),
      };
      this.serving = { server, status, key: model.key };
      this.deps.events.emit('serving.onChanged', this.status());
      return { ...status };
    } finally {
      this.starting = false;
    }
  }

  async stopServing(): Promise<boolean> {
    const serving = this.serving;
    if (!serving) return false;
    this.serving = null;
    if (this.countTimer) clearTimeout(this.countTimer);
    this.countTimer = null;
    await serving.server.close();
    await this.cache.unpin(serving.key);
    this.deps.events.emit('serving.onChanged', null);
    return true;
  }

  /** Stops serving and closes every loaded model (project switch, studio close). */
  async close(): Promise<void> {
    await this.stopServing();
    await this.cache.closeAll();
  }

  private countRequest(): void {
    if (!this.serving) return;
    this.serving.status.requests += 1;
    this.countTimer ??= setTimeout(() => {
      this.countTimer = null;
      if (this.serving) this.deps.events.emit('serving.onChanged', this.status());
    }, REQUEST_EVENT_INTERVAL_MS);
  }
}
