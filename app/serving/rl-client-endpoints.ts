/**
 * The endpoints RL trainers and inference clients already speak, so a trained reward model drops
 * into them by URL (app/serving/README.md, "RL clients"):
 *
 *   POST /get_reward           OpenRLHF's remote reward model (`--reward.remote_url`, was `--remote_rm_url`)
 *   POST /classify             vLLM's classification API (verl's reward-model client uses it); also /v1/classify
 *   POST /pooling              vLLM's pooling API
 *   GET  /v1/models            vLLM / OpenAI model list (clients read the served name from it)
 *   POST /predict              text-embeddings-inference's sequence classification
 *   POST /v1/score/evaluation  LLaMA-Factory's reward-model API
 *
 * What these clients send as one string (OpenRLHF's `query`, vLLM's `input`, TEI's single input,
 * LLaMA-Factory's `messages`) is the whole sequence with the chat template already applied; it goes
 * to the worker as a rendered text, which splits it at the last assistant-turn opening and reads the
 * reward at the end-of-turn token, exactly as in training. The raw score is the model's reward (what
 * `python -m reward_studio score` prints); "activation" is the sigmoid of it, as vLLM and TEI apply
 * to a one-label classifier.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ScoreItem } from '../scoring/reward-scorer';
import { MAX_TEXT_CHARS } from '../scoring/score-limits';
import { toConversation } from './chat-messages';
import { HttpError, parseBody } from './http-error';
import { chatMessage } from './request-bodies';

/** What an endpoint gets from the server: scoring through the batcher, and the served model's name. */
export interface EndpointContext {
  /** One {scores, tokens} per item, in order; an item that cannot be scored fails the request, named by `field(index)`. */
  score(items: ScoreItem[], field: (index: number) => string): Promise<{ scores: number[]; tokens: number }[]>;
  modelName: string;
}

export interface Endpoint {
  method: 'GET' | 'POST';
  /** The JSON answer (200). Bad bodies throw HttpError (4xx). */
  answer(body: unknown, context: EndpointContext): Promise<unknown>;
}

/** The label a one-output classifier's class gets (transformers' default id2label). */
const LABEL = 'LABEL_0';

const text = z.string().max(MAX_TEXT_CHARS, `must be at most ${MAX_TEXT_CHARS} characters`).min(1, 'must not be empty');
const texts = z.array(text).min(1, 'must hold at least one text');

// ---- OpenRLHF -------------------------------------------------------------------------------------
const openRlhfBody = z.object({
  query: z.union([text.transform((one) => [one]), texts]),
  prompts: z.array(z.string()).optional(),
  labels: z.array(z.unknown()).optional(),
});

const getReward: Endpoint = {
  method: 'POST',
  async answer(json, context) {
    const body = parseBody(openRlhfBody, json, 'Send {"query": [full text with the chat template applied, ...]} as OpenRLHF does.');
    const rewards = (await context.score(body.query.map(renderedItem), (i) => `query.${i}`)).map(only);
    // `scores` is what OpenRLHF's dynamic filtering reads; for a reward model it is the reward itself.
    return { rewards, scores: rewards, extra_logs: {} };
  },
};

// ---- vLLM -----------------------------------------------------------------------------------------
const vllmBody = z
  .object({
    model: z.string().nullable().optional(),
    input: z.union([text, texts, z.array(z.unknown())]).optional(),
    messages: z.array(chatMessage).min(2, 'must hold the conversation and the assistant response to score').optional(),
    tools: z.array(z.record(z.string(), z.unknown())).nullable().optional(),
    use_activation: z.boolean().nullable().optional(),
    activation: z.boolean().nullable().optional(),
  })
  .superRefine((body, context) => {
    if ((body.input === undefined) === (body.messages === undefined)) {
      context.addIssue({ code: 'custom', path: ['input'], message: 'send either `input` (text) or `messages` (a chat ending with the assistant response)' });
    }
  });
type VllmBody = z.infer<typeof vllmBody>;

/** vLLM's `input` (templated text, one or many) or `messages` (the chat whose last assistant turn is scored). */
async function vllmItems(body: VllmBody): Promise<{ items: ScoreItem[]; field: (index: number) => string }> {
  if (body.messages) return { items: [await messagesItem(body.messages, body.tools)], field: () => 'messages' };
  const input = typeof body.input === 'string' ? [body.input] : (body.input ?? []);
  if (input.length === 0) throw new HttpError(400, 'Bad request body: input: must hold at least one text', 'Send "input": "<text>" or a non-empty list of texts.');
  const strings = input.map((value, index) => {
    if (typeof value !== 'string') throw new HttpError(400, `Bad request body: input.${index}: must be a string (token ids are not accepted)`, 'Send the text with the chat template applied; the server tokenizes it with the model\'s own tokenizer.');
    return value;
  });
  return { items: strings.map(renderedItem), field: (i) => `input.${i}` };
}

/** The conversation before the last message, and that assistant message's text as the response. */
async function messagesItem(messages: VllmBody['messages'] & object, tools: VllmBody['tools']): Promise<ScoreItem> {
  const last = messages[messages.length - 1];
  const where = `messages.${messages.length - 1}`;
  if (last?.role !== 'assistant' || (last.tool_calls && last.tool_calls.length > 0)) {
    throw new HttpError(400, `Bad request body: ${where}: the last message must be the assistant response to score (text, no tool_calls)`, 'End `messages` with {"role": "assistant", "content": "<the response>"}.');
  }
  const content = last.content;
  const response = typeof content === 'string' ? content : (content ?? []).map((part) => (part.type === 'text' ? part.text : null));
  if (Array.isArray(response) && response.some((part) => part === null)) {
    throw new HttpError(400, `Bad request body: ${where}.content: the scored response must be text only`, 'Put images in the user turns, not in the response.');
  }
  const responseText = Array.isArray(response) ? response.join('') : response;
  if (!responseText) throw new HttpError(400, `Bad request body: ${where}.content: the response is empty`, 'Send the assistant response text.');
  const conversation = await toConversation(messages.slice(0, -1), tools, 'messages');
  return { query: '', responses: [responseText], image: null, conversation };
}

/** vLLM's `use_activation` (older clients: `activation`); null or absent means the model's default, the sigmoid. */
function wantsActivation(body: { use_activation?: boolean | null | undefined; activation?: boolean | null | undefined }): boolean {
  return body.use_activation ?? body.activation ?? true;
}

function vllmEnvelope(prefix: string, model: string, data: unknown[], tokens: number): Record<string, unknown> {
  return {
    id: `${prefix}-${randomUUID().replaceAll('-', '')}`,
    object: 'list',
    created: Math.floor(Date.now() / 1000),
    model,
    data,
    usage: { prompt_tokens: tokens, total_tokens: tokens, completion_tokens: 0, prompt_tokens_details: null },
  };
}

/** /classify and /pooling take the same body and score the same items; they differ in the answer. */
async function scoreVllmBody(json: unknown, context: EndpointContext): Promise<{ body: VllmBody; scored: { scores: number[]; tokens: number }[] }> {
  const body = parseBody(vllmBody, json);
  const { items, field } = await vllmItems(body);
  return { body, scored: await context.score(items, field) };
}

const classify: Endpoint = {
  method: 'POST',
  async answer(json, context) {
    const { body, scored } = await scoreVllmBody(json, context);
    const activate = wantsActivation(body);
    const data = scored.map((one, index) => ({ index, label: LABEL, probs: [activate ? sigmoid(only(one)) : only(one)], num_classes: 1 }));
    return vllmEnvelope('classify', body.model ?? context.modelName, data, sum(scored.map((one) => one.tokens)));
  },
};

const pooling: Endpoint = {
  method: 'POST',
  async answer(json, context) {
    const { body, scored } = await scoreVllmBody(json, context);
    // A reward model's pooled output is its one score, raw unless activation is asked for.
    const activate = body.use_activation ?? body.activation ?? false;
    const data = scored.map((one, index) => ({ index, object: 'pooling', data: [activate ? sigmoid(only(one)) : only(one)] }));
    return vllmEnvelope('pool', body.model ?? context.modelName, data, sum(scored.map((one) => one.tokens)));
  },
};

const models: Endpoint = {
  method: 'GET',
  async answer(_body, context) {
    const created = Math.floor(Date.now() / 1000);
    return { object: 'list', data: [{ id: context.modelName, object: 'model', created, owned_by: 'reward-studio', root: context.modelName, parent: null }] };
  },
};

// ---- text-embeddings-inference ----------------------------------------------------------------------
const teiBody = z.object({
  inputs: z.union([text, z.array(z.union([text, z.array(text)])).min(1, 'must hold at least one input')]),
  raw_scores: z.boolean().optional(),
  truncate: z.boolean().nullable().optional(),
  truncation_direction: z.string().optional(),
});

type TeiSequence = { text: string } | { prompt: string; response: string };

/**
 * TEI's input shapes: "text"; ["text"] or ["prompt", "response"] (one sequence, a pair); or a batch
 * [["text"], ["prompt", "response"], ...]. A pair is a prompt and a response the chat template renders;
 * a single text is already rendered.
 */
function teiSequences(inputs: z.infer<typeof teiBody>['inputs']): { batch: boolean; sequences: TeiSequence[] } {
  const shapeError = (where: string) =>
    new HttpError(400, `Bad request body: ${where}: must be a string, a pair [prompt, response], or a batch of [text] / [prompt, response] lists`, 'See text-embeddings-inference\'s /predict input shapes.');
  if (typeof inputs === 'string') return { batch: false, sequences: [{ text: inputs }] };
  if (inputs.every((value) => typeof value === 'string')) {
    const strings = inputs as string[];
    if (strings.length === 1) return { batch: false, sequences: [{ text: strings[0] as string }] };
    if (strings.length === 2) return { batch: false, sequences: [{ prompt: strings[0] as string, response: strings[1] as string }] };
    throw shapeError('inputs');
  }
  const sequences = inputs.map((value, index) => {
    if (!Array.isArray(value) || value.length < 1 || value.length > 2) throw shapeError(`inputs.${index}`);
    return value.length === 1 ? { text: value[0] as string } : { prompt: value[0] as string, response: value[1] as string };
  });
  return { batch: true, sequences };
}

const predict: Endpoint = {
  method: 'POST',
  async answer(json, context) {
    const body = parseBody(teiBody, json);
    const { batch, sequences } = teiSequences(body.inputs);
    const items = sequences.map((sequence): ScoreItem => ('text' in sequence ? renderedItem(sequence.text) : { query: sequence.prompt, responses: [sequence.response], image: null }));
    const scored = await context.score(items, (i) => (batch ? `inputs.${i}` : 'inputs'));
    const predictions = scored.map((one) => [{ score: body.raw_scores ? only(one) : sigmoid(only(one)), label: LABEL }]);
    return batch ? predictions : predictions[0];
  },
};

// ---- LLaMA-Factory ----------------------------------------------------------------------------------
const llamaFactoryBody = z.object({
  model: z.string().nullable().optional(),
  messages: texts,
  max_length: z.number().int().positive().nullable().optional(),
});

const scoreEvaluation: Endpoint = {
  method: 'POST',
  async answer(json, context) {
    const body = parseBody(llamaFactoryBody, json, 'Send {"model": ..., "messages": [full text with the chat template applied, ...]} as LLaMA-Factory\'s API does.');
    const scores = (await context.score(body.messages.map(renderedItem), (i) => `messages.${i}`)).map(only);
    return { id: `scoreval-${randomUUID().replaceAll('-', '')}`, object: 'score.evaluation', model: body.model ?? context.modelName, scores };
  },
};

export const RL_CLIENT_ENDPOINTS: Readonly<Record<string, Endpoint>> = {
  '/get_reward': getReward,
  '/classify': classify,
  '/v1/classify': classify,
  '/pooling': pooling,
  '/v1/models': models,
  '/predict': predict,
  '/v1/score/evaluation': scoreEvaluation,
};

/** A string the chat template already rendered: the worker splits it and reads the reward where training does. */
function renderedItem(value: string): ScoreItem {
  return { query: '', responses: [value], image: null, rendered: { text: value, images: [] } };
}

function only(scored: { scores: number[] }): number {
  return scored.scores[0] as number;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
