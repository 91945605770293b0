/**
 * The reward-model HTTP API (`reward-studio serve-model` and the Serve button), on plain node:http.
 *
 *   POST /score        {"prompt", "response", "image"?}            -> {"score"}
 *   POST /score-pair   {"prompt", "chosen", "rejected", "image"?}  -> {"chosen_score", "rejected_score", "margin", "preferred"}
 *   POST /score-batch  {"items": [{"prompt", "responses", "image"?}]} -> {"results": [{"scores"}]}
 *   GET  /health       -> {"status", "model", "engine", "accepts_images"}
 * Any of the three takes an OpenAI-style `messages` list (and `tools`) instead of `prompt` (chat-messages.ts).
 * RL trainers' own protocols (OpenRLHF, vLLM, TEI, LLaMA-Factory) are in rl-client-endpoints.ts.
 *
 * Every request's items go through one RequestBatcher (request-batcher.ts), so concurrent requests
 * share forward passes. Every failure is JSON {"error": {"message", "hint"}} with a 4xx/5xx status;
 * nothing a client sends can take the server down. Without `apiKey` there is no token (seed 003's curl
 * examples have none); with it every endpoint wants `Authorization: Bearer <key>`, as OpenAI-compatible
 * servers do. It listens on loopback unless the person binds it elsewhere, and then gets a warning;
 * on loopback it answers only requests whose Host names this machine (DNS rebinding, host-check.ts).
 * See app/serving/README.md.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StudioError } from '../errors';
import { checkHostHeader } from '../server/host-check';
import { BAD_TARGET_HINT, BAD_TARGET_MESSAGE, parseRequestTarget } from '../server/request-target';
import { itemImages, type RewardScorer, type ScoreItem } from '../scoring/reward-scorer';
import { decodeScoreImage } from '../scoring/score-image';
import { MAX_BODY_BYTES } from '../scoring/score-limits';
import { lastUserText, toConversation } from './chat-messages';
import { HttpError, JSON_HINT, parseBody } from './http-error';
import { type ChatMessage, scoreBatchBody, scoreBody, scorePairBody } from './request-bodies';
import { type BatchingLimits, DEFAULT_BATCHING, QUEUE_FULL_RETRY_AFTER_S, QueueFullError, RequestBatcher } from './request-batcher';
import { type EndpointContext, RL_CLIENT_ENDPOINTS } from './rl-client-endpoints';

export interface RewardApiOptions {
  host: string;
  port: number;
  model: { label: string; engine: 'python' | 'onnx' };
  /** The model being loaded; requests get 503 until it resolves, and 503 with the reason if it fails. */
  scorer: Promise<RewardScorer>;
  /** Called once per request answered (counts for the Serve panel). */
  onRequest?: () => void;
  /** One line per request (`POST /score 200 12 ms`); the CLI prints these. */
  log?: (line: string) => void;
  /** When set, every endpoint requires `Authorization: Bearer <apiKey>` (401 otherwise). Never logged. */
  apiKey?: string | undefined;
  /** The model name `GET /v1/models` and the vLLM/LLaMA-Factory answers report (default: the label). */
  servedModelName?: string | undefined;
  /** Dynamic batching (default: on, DEFAULT_BATCHING). */
  batching?: Partial<BatchingLimits> | undefined;
}

export interface RewardApiServer {
  url: string;
  host: string;
  port: number;
  state(): ModelState['state'];
  /** Scorer calls made and sequences scored so far (the mean batch size is their ratio). */
  batchStats(): { calls: number; sequences: number };
  close(): Promise<void>;
}

type ModelState = { state: 'loading' } | { state: 'ready'; scorer: RewardScorer } | { state: 'failed'; error: StudioError };

interface ApiError {
  status: number;
  message: string;
  hint: string;
}

const SEED_ROUTES: Record<string, 'GET' | 'POST'> = { '/score': 'POST', '/score-pair': 'POST', '/score-batch': 'POST', '/health': 'GET' };
const ROUTES: Record<string, 'GET' | 'POST'> = { ...SEED_ROUTES, ...Object.fromEntries(Object.entries(RL_CLIENT_ENDPOINTS).map(([route, endpoint]) => [route, endpoint.method])) };
const ROUTE_LIST = Object.entries(ROUTES).map(([route, method]) => `${method} ${route}`).join(', ');

export async function startRewardApi(options: RewardApiOptions): Promise<RewardApiServer> {
  let model: ModelState = { state: 'loading' };
  let batcher: RequestBatcher | null = null;
  const limits: BatchingLimits = { ...DEFAULT_BATCHING, ...options.batching };
  const modelName = options.servedModelName ?? options.model.label;
  const authorized = bearerCheck(options.apiKey);
  let boundPort = options.port; // the real one once listening (options.port may be 0)
  options.scorer.then(
    (scorer) => {
      model = { state: 'ready', scorer };
      batcher = new RequestBatcher(scorer, limits);
    },
    (error: unknown) => {
      model = { state: 'failed', error: asStudioError(error) };
    },
  );

  const ready = (): RewardScorer => {
    if (model.state === 'ready') return model.scorer;
    if (model.state === 'loading') throw new HttpError(503, `The model ${options.model.label} is still loading.`, 'Retry in a few seconds (GET /health says when it is ready).', { 'Retry-After': '5' });
    throw new HttpError(503, `The model ${options.model.label} could not be loaded: ${model.error.message}`, model.error.hint ?? 'Restart the server with a model that loads.');
  };

  /** Every endpoint's scoring: through the batcher; the first item that cannot be scored fails the request, named. */
  const context = (scorer: RewardScorer): EndpointContext => ({
    modelName,
    async score(items, field) {
      checkImages(scorer, items, field);
      const outcomes = await (batcher as RequestBatcher).score(items);
      return outcomes.map((outcome, index) => {
        if (!('error' in outcome)) return outcome;
        // The worker numbers items within its shared call; name the field of this request instead.
        const where = field(index);
        const reason = outcome.error.message.replace(/^item \d+:\s*/, '');
        const message = where ? `${where}: ${reason}` : reason;
        throw new StudioError(outcome.error.code, message, outcome.error.hint);
      });
    },
  });

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<number> => {
    // First, before the key: a DNS-rebinding page learns nothing, not even whether a key is set.
    const misdirected = checkHostHeader(request, options.host);
    if (misdirected) throw new HttpError(421, misdirected.message, misdirected.hint.replace('PORT', String(boundPort)));
    const target = parseRequestTarget(request.url);
    if (!target) throw new HttpError(400, BAD_TARGET_MESSAGE, `${BAD_TARGET_HINT} The API has ${ROUTE_LIST}.`);
    const pathname = target.pathname;
    if (!authorized(request.headers.authorization)) {
      throw new HttpError(401, options.apiKey && request.headers.authorization ? 'The API key is wrong.' : 'This server requires an API key.', 'Send the header "Authorization: Bearer <key>" with the key the server was started with (--api-key or REWARD_STUDIO_API_KEY).', { 'WWW-Authenticate': 'Bearer' });
    }
    const method = ROUTES[pathname];
    if (!method) throw new HttpError(404, `There is no ${pathname} here.`, `The API has ${ROUTE_LIST}.`);
    if (request.method !== method) {
      throw new HttpError(405, `${pathname} takes ${method}, not ${request.method}.`, `Send a ${method} request.`, { Allow: method });
    }
    if (pathname === '/health') {
      const body = {
        status: model.state === 'ready' ? 'ok' : model.state,
        model: options.model.label,
        engine: options.model.engine,
        accepts_images: model.state === 'ready' ? model.scorer.acceptsImages : null,
        ...(model.state === 'failed' ? { error: { message: model.error.message, hint: model.error.hint ?? '' } } : {}),
      };
      return sendJson(response, model.state === 'ready' ? 200 : 503, body);
    }
    const endpoint = RL_CLIENT_ENDPOINTS[pathname];
    if (endpoint?.method === 'GET') return sendJson(response, 200, await endpoint.answer(null, { modelName, score: () => Promise.resolve([]) }));
    const json = await readJsonBody(request);
    const scoring = context(ready());
    if (endpoint) return sendJson(response, 200, await endpoint.answer(json, scoring));
    if (pathname === '/score') {
      const body = parseBody(scoreBody, json);
      const [scores] = await scoreItems(scoring, [{ ...body, responses: [body.response] }], false);
      return sendJson(response, 200, { score: scores?.[0] });
    }
    if (pathname === '/score-pair') {
      const body = parseBody(scorePairBody, json);
      const [scores] = await scoreItems(scoring, [{ ...body, responses: [body.chosen, body.rejected] }], false);
      const [chosen, rejected] = scores as [number, number];
      return sendJson(response, 200, { chosen_score: chosen, rejected_score: rejected, margin: chosen - rejected, preferred: chosen >= rejected ? 'chosen' : 'rejected' });
    }
    const body = parseBody(scoreBatchBody, json);
    const results = await scoreItems(scoring, body.items, true);
    return sendJson(response, 200, { results: results.map((scores) => ({ scores })) });
  };

  const server = createServer((request, response) => {
    const started = Date.now();
    handle(request, response)
      .catch((error: unknown) => {
        const failure = toApiError(error);
        const headers: Record<string, string> = error instanceof HttpError ? { ...error.headers } : error instanceof QueueFullError ? { 'Retry-After': String(QUEUE_FULL_RETRY_AFTER_S) } : {};
        // A body we stopped reading is left unread: close the connection rather than drain it.
        if (failure.status === 413) headers.Connection = 'close';
        return sendJson(response, failure.status, { error: { message: failure.message, hint: failure.hint } }, headers);
      })
      .then((status) => {
        options.onRequest?.();
        options.log?.(`${request.method} ${request.url} ${status} ${Date.now() - started} ms`);
      })
      .catch(() => undefined); // the client went away mid-response: nothing left to tell it
  });
  server.requestTimeout = 10 * 60_000; // a batch on a large CPU model may take minutes
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  boundPort = address.port;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${hostForUrl}:${address.port}`,
    host: options.host,
    port: address.port,
    state: () => model.state,
    batchStats: () => ({ ...(batcher?.stats ?? { calls: 0, sequences: 0 }) }),
    close: () =>
      new Promise<void>((resolve) => {
        batcher?.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** One item of any endpoint's body, validated: a prompt (and image) or a conversation. */
interface RequestItem {
  prompt?: string | undefined;
  messages?: ChatMessage[] | undefined;
  tools?: Record<string, unknown>[] | null | undefined;
  image?: string | null | undefined;
  responses: string[];
}

/** Decodes and checks every image, then scores; a bad item is a 400 naming it. */
async function scoreItems(scoring: EndpointContext, items: RequestItem[], batch: boolean): Promise<number[][]> {
  const field = (index: number) => (name: string) => (batch ? `items.${index}.${name}` : name);
  const prepared: ScoreItem[] = [];
  for (const [index, item] of items.entries()) prepared.push(await toScoreItem(item, field(index)));
  const scored = await scoring.score(prepared, (index) => (batch ? `items.${index}` : ''));
  return scored.map((one) => one.scores);
}

/** A text-only model refuses images before anything is queued (400 naming where the image was). */
function checkImages(scorer: RewardScorer, items: ScoreItem[], field: (index: number) => string): void {
  if (scorer.acceptsImages) return;
  const index = items.findIndex((item) => itemImages(item).length > 0);
  if (index < 0) return;
  const item = items[index] as ScoreItem;
  const base = field(index);
  const name = item.conversation ? 'messages' : 'image';
  const where = base === '' ? name : item.rendered || base.endsWith(name) ? base : `${base}.${name}`;
  throw new HttpError(400, `${where}: the model ${scorer.label} is text-only and cannot read images.`, 'Leave the image out, or serve a vision-language checkpoint.');
}

async function toScoreItem(item: RequestItem, field: (name: string) => string): Promise<ScoreItem> {
  if (item.messages) {
    const conversation = await toConversation(item.messages, item.tools, field('messages'));
    return { query: lastUserText(conversation.messages), responses: item.responses, image: null, conversation };
  }
  return { query: item.prompt ?? '', responses: item.responses, image: await decodeScoreImage(item.image, field('image')) };
}

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(415, `The body must be JSON (Content-Type: application/json), got ${type ? `"${type}"` : 'no Content-Type'}.`, 'Add -H "Content-Type: application/json" to the request.');
  }
  const tooLarge = new HttpError(413, `The body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB.`, 'Send fewer items per request, or a smaller image.');
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw tooLarge;
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new HttpError(400, 'The body is empty.', JSON_HINT);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(400, `The body is not valid JSON (${(error as Error).message}).`, JSON_HINT);
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): number {
  if (response.headersSent) {
    response.end();
    return status;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  response.end(text);
  return status;
}

function asStudioError(error: unknown): StudioError {
  if (error instanceof StudioError) return error;
  return new StudioError('internal', error instanceof Error ? error.message : String(error));
}

/** Studio errors map to HTTP: the client's fault is 400 (413 when too large), the model not being able to answer is 503. */
function toApiError(error: unknown): ApiError {
  if (error instanceof HttpError) return { status: error.status, message: error.message, hint: error.hint };
  if (error instanceof StudioError) {
    const status = error.code === 'invalid_input' || error.code === 'bad_image' ? 400 : error.code === 'too_large' ? 413 : ['internal', 'cancelled', 'bad_file', 'busy'].includes(error.code) ? 503 : 500;
    return { status, message: error.message, hint: error.hint ?? '' };
  }
  return { status: 500, message: error instanceof Error ? error.message : String(error), hint: 'This is a bug in Reward Studio; the server keeps running.' };
}

/**
 * The Authorization check: without a key everything passes; with one, `Bearer <key>` must match.
 * Both sides are hashed first so the comparison takes the same time whatever the length or content.
 */
function bearerCheck(apiKey: string | undefined): (header: string | undefined) => boolean {
  if (!apiKey) return () => true;
  const expected = createHash('sha256').update(apiKey).digest();
  return (header) => {
    const match = /^Bearer\s+(.+)$/i.exec(header?.trim() ?? '');
    if (!match) return false;
    return timingSafeEqual(createHash('sha256').update(match[1] as string).digest(), expected);
  };
}
