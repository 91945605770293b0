/**
 * The prompt conversation of an item, shaped for display (pure; see conversation-thread.tsx).
 *
 * An item's `prompt` holds every message before the responses being judged: a system prompt,
 * earlier user / assistant turns, tool calls (`tool_call`, content a JSON string) and their
 * results (`tool`), then the last user turn — sometimes followed by tool calls made after it.
 * `prompt === null` means a single user turn, which is the item's `query`. Image parts stand for
 * the item's images in order: the n-th `{type: "image"}` part is `images[n]`.
 */
import type { PromptContentPart, PromptMessage } from '../client/contract-types';

export type TurnKind = 'system' | 'user' | 'assistant' | 'tool_call' | 'tool' | 'other';

export type TurnPart = { type: 'text'; text: string } | { type: 'image'; image: number };

export interface Turn {
  /** The role as stored (shown verbatim when it is not one of the known ones). */
  role: string;
  kind: TurnKind;
  parts: TurnPart[];
}

export interface Thread {
  /** Everything before the last user turn: system prompt, earlier turns, tool traffic. */
  earlier: Turn[];
  /** The last user turn (the question the responses answer); null only for a prompt without one. */
  last: Turn | null;
  /** Messages after the last user turn (tool calls and results before the response). */
  after: Turn[];
  /** True when the item has no prompt conversation: the thread is just its query. */
  single: boolean;
}

/** More earlier messages than this and they start folded into one "N earlier turns" line. */
export const EARLIER_SHOWN_UNFOLDED = 2;

const KNOWN_KINDS: ReadonlySet<string> = new Set(['system', 'user', 'assistant', 'tool_call', 'tool']);

export function turnKind(role: string): TurnKind {
  return KNOWN_KINDS.has(role) ? (role as TurnKind) : 'other';
}

const ROLE_LABELS: Record<Exclude<TurnKind, 'other'>, string> = {
  system: 'System',
  user: 'User',
  assistant: 'Assistant',
  tool_call: 'Tool call',
  tool: 'Tool result',
};

/** What a turn is called on screen; unknown roles verbatim. */
export function roleLabel(turn: Pick<Turn, 'role' | 'kind'>): string {
  return turn.kind === 'other' ? turn.role : ROLE_LABELS[turn.kind];
}

function partsOf(content: string | PromptContentPart[], nextImage: () => number): TurnPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((part): TurnPart => (part.type === 'image' ? { type: 'image', image: nextImage() } : { type: 'text', text: part.text }));
}

/** Splits the item's conversation into earlier turns, the last user turn, and what follows it. */
export function threadOf(query: string, prompt: readonly PromptMessage[] | null): Thread {
  if (prompt === null || prompt.length === 0) {
    return { earlier: [], last: { role: 'user', kind: 'user', parts: [{ type: 'text', text: query }] }, after: [], single: true };
  }
  let images = 0;
  const turns = prompt.map((message): Turn => ({ role: message.role, kind: turnKind(message.role), parts: partsOf(message.content, () => images++) }));
  let lastUser = -1;
  turns.forEach((turn, index) => {
    if (turn.kind === 'user') lastUser = index;
  });
  if (lastUser < 0) return { earlier: turns, last: null, after: [], single: false };
  return { earlier: turns.slice(0, lastUser), last: turns[lastUser] ?? null, after: turns.slice(lastUser + 1), single: false };
}

/** Whether the earlier turns can be folded (and start folded). */
export function earlierFoldable(thread: Thread): boolean {
  return thread.earlier.length > EARLIER_SHOWN_UNFOLDED;
}

/** "5 earlier turns" */
export function earlierCountText(count: number): string {
  return `${count} earlier ${count === 1 ? 'turn' : 'turns'}`;
}

/** What the folded turns are, in order of first appearance: "system prompt, 2 user, 2 assistant". */
export function earlierSummary(turns: readonly Turn[]): string {
  const counts = new Map<string, { kind: TurnKind; count: number }>();
  for (const turn of turns) {
    const key = turn.kind === 'other' ? `other:${turn.role}` : turn.kind;
    const entry = counts.get(key);
    if (entry) entry.count += 1;
    else counts.set(key, { kind: turn.kind, count: 1 });
  }
  return [...counts.entries()]
    .map(([key, { kind, count }]) => {
      if (kind === 'system' && count === 1) return 'system prompt';
      const name = kind === 'other' ? key.slice('other:'.length) : kind === 'tool_call' ? (count === 1 ? 'tool call' : 'tool calls') : kind === 'tool' ? (count === 1 ? 'tool result' : 'tool results') : kind;
      return `${count} ${name}`;
    })
    .join(', ');
}

/** The text of a turn, image parts left out (for tool blocks, which are text only). */
export function turnText(turn: Turn): string {
  return turn.parts
    .filter((part): part is { type: 'text'; text: string } => part.type === 'text')
    .map((part) => part.text)
    .join('\n');
}

export interface ToolCallView {
  /** The function called, when the JSON names one. */
  name: string | null;
  /** Its arguments pretty-printed (or the whole text verbatim when it is not JSON). */
  body: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(trimmed) as unknown };
  } catch {
    return { ok: false };
  }
}

function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

function oneCall(value: unknown): ToolCallView {
  // OpenAI style {"type": "function", "function": {"name", "arguments"}} → the inner object.
  const call = isRecord(value) && isRecord(value.function) ? value.function : value;
  if (!isRecord(call) || typeof call.name !== 'string') return { name: null, body: pretty(value) };
  let args = call.arguments ?? call.parameters ?? call.args;
  if (typeof args === 'string') {
    const parsed = parseJson(args);
    if (parsed.ok) args = parsed.value;
  }
  return { name: call.name, body: args === undefined ? '' : typeof args === 'string' ? args : pretty(args) };
}

/**
 * A `tool_call` message's content as name + pretty arguments. Accepts {"name", "arguments"}
 * (arguments an object or a JSON string), OpenAI's {"function": {...}} wrapper, and lists of
 * either; anything else is shown as it is.
 */
export function toolCallsOf(text: string): ToolCallView[] {
  const parsed = parseJson(text);
  if (!parsed.ok) return [{ name: null, body: text }];
  if (Array.isArray(parsed.value)) return parsed.value.length === 0 ? [{ name: null, body: text }] : parsed.value.map(oneCall);
  return [oneCall(parsed.value)];
}

/** A tool's result: JSON objects and lists pretty-printed, anything else verbatim. */
export function toolResultText(text: string): string {
  const parsed = parseJson(text);
  return parsed.ok ? pretty(parsed.value) : text;
}
