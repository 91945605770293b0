import type { PromptMessage } from '../../store/types';
import { completionText, conversationItem, sharedPrefixLength } from '../conversation';
import { readId, RowError, type ParsedRow } from '../parsed-row';
import type { FormatReader } from './format-reader';

/**
 * Anthropic HH-RLHF rows: `chosen` and `rejected` are whole conversations written as one string,
 * `"\n\nHuman: …\n\nAssistant: …"`. The turns both sides share are the prompt; the differing last
 * Assistant turns are the two responses, ranked [0, 1]. Derived sets that split the prompt off
 * (`prompt` ending in `"\n\nAssistant:"`, `chosen`/`rejected` the continuations) read the same.
 */
export const hhRlhfReader: FormatReader = {
  name: 'hh-rlhf',
  label: 'Anthropic HH-RLHF (Human:/Assistant: transcripts)',
  fit: (row) => {
    if (typeof row.chosen !== 'string' || typeof row.rejected !== 'string') return 0;
    const text = (typeof row.prompt === 'string' ? row.prompt : '') + row.chosen;
    const human = /(?:^|\n\n)Human:/.test(text);
    const assistant = /\n\nAssistant:/.test(text);
    // Both markers: nothing else writes them. TRL's reader sees the same keys and scores 0.8–1,
    // which is why this reader comes first in the registry (ties go to the earlier reader).
    if (human && assistant) return 1;
    return human || assistant ? 0.4 : 0;
  },
  parse: (row) => parseHhRow(row),
  consumedKeys: () => ['id', 'prompt', 'chosen', 'rejected'],
};

/** A speaker marker at the start of the text or after a blank line. */
const TURN = /(?:^|\n\n)(Human|Assistant):/;

export function parseHhRow(row: Record<string, unknown>): ParsedRow {
  const chosen = fullText(row, 'chosen');
  const rejected = fullText(row, 'rejected');
  const chosenTurns = readTranscript(chosen, 'chosen');
  const rejectedTurns = readTranscript(rejected, 'rejected');
  const shared = Math.min(sharedPrefixLength(chosenTurns, rejectedTurns), Math.min(chosenTurns.length, rejectedTurns.length) - 1);
  return conversationItem({
    id: readId(row),
    idPrefix: 'hh',
    prompt: chosenTurns.slice(0, shared),
    responses: [lastResponse(chosenTurns.slice(shared), 'chosen'), lastResponse(rejectedTurns.slice(shared), 'rejected')],
    ranking: [0, 1],
    images: [],
    responseNames: ['chosen', 'rejected'],
  });
}

/** `chosen` as a whole transcript: with a separate `prompt`, the prompt followed by the continuation. */
function fullText(row: Record<string, unknown>, field: 'chosen' | 'rejected'): string {
  const value = row[field];
  if (value === undefined || value === null) {
    throw new RowError(`missing field "${field}"; give the ${field === 'chosen' ? 'preferred' : 'worse'} conversation as "\\n\\nHuman: …\\n\\nAssistant: …"`);
  }
  if (typeof value !== 'string') throw new RowError(`field "${field}" must be a "\\n\\nHuman: …\\n\\nAssistant: …" string`);
  const prompt = row.prompt;
  if (prompt === undefined || prompt === null) return value;
  if (typeof prompt !== 'string') throw new RowError('field "prompt" must be a "\\n\\nHuman: …\\n\\nAssistant:" string');
  return value.startsWith(prompt) ? value : prompt + value;
}

/**
 * The turns of a transcript. Text is trimmed (HH writes a space after each marker); a speaker
 * marked twice in a row (a few HH rows have "\n\nAssistant:" twice) is one turn, its parts
 * joined by a blank line, since the other side of the pair has one turn there.
 */
export function readTranscript(text: string, field: string): PromptMessage[] {
  const parts = text.split(TURN);
  if (parts.length < 3) {
    throw new RowError(`"${field}" has no "\\n\\nHuman:" / "\\n\\nAssistant:" turns; HH-RLHF rows are whole transcripts`);
  }
  if ((parts[0] ?? '').trim() !== '') {
    throw new RowError(`"${field}" has text before its first "Human:" turn; a transcript starts with "\\n\\nHuman:"`);
  }
  const messages: PromptMessage[] = [];
  for (let index = 1; index < parts.length; index += 2) {
    const role = parts[index] === 'Human' ? 'user' : 'assistant';
    const content = (parts[index + 1] ?? '').trim();
    const previous = messages[messages.length - 1];
    if (previous !== undefined && previous.role === role) {
      previous.content = [previous.content as string, content].filter((part) => part !== '').join('\n\n');
    } else {
      messages.push({ role, content });
    }
  }
  return messages;
}

function lastResponse(tail: PromptMessage[], field: 'chosen' | 'rejected'): string {
  const last = tail[tail.length - 1];
  if (last !== undefined && last.role === 'user') {
    throw new RowError(`"${field}" ends with a Human turn; the last turn must be the Assistant's response`);
  }
  return completionText(tail, field);
}
