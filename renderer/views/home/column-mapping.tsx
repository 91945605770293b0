/**
 * "Map columns": for each part of an item, which column of the file holds it. Every target is a
 * labelled native select (keyboard and screen readers work as everywhere else); the responses
 * take two or more columns, best first unless a preference column says otherwise. What each
 * column may hold is the mapped reader's rule (app/dataset/formats/mapped.ts).
 */
import { useId } from 'react';
import type { ColumnMapping } from '../../client/contract-types';

export interface MappingDraft {
  prompt: string;
  conversation: string;
  system: string;
  /** At least two entries; '' = not chosen yet. */
  responses: string[];
  responseList: string;
  preference: string;
  images: string;
  id: string;
}

type SingleTarget = Exclude<keyof MappingDraft, 'responses'>;

export const EMPTY_DRAFT: MappingDraft = {
  prompt: '',
  conversation: '',
  system: '',
  responses: ['', ''],
  responseList: '',
  preference: '',
  images: '',
  id: '',
};

export function draftFromMapping(mapping: ColumnMapping | null): MappingDraft {
  if (mapping === null) return EMPTY_DRAFT;
  const responses = [...(mapping.responses ?? [])];
  while (responses.length < 2) responses.push('');
  return {
    prompt: mapping.prompt ?? '',
    conversation: mapping.conversation ?? '',
    system: mapping.system ?? '',
    responses,
    responseList: mapping.responseList ?? '',
    preference: mapping.preference ?? '',
    images: mapping.images ?? '',
    id: mapping.id ?? '',
  };
}

/** The mapping to send: empty targets left out; fewer than two response columns is no response columns. */
export function mappingFromDraft(draft: MappingDraft): ColumnMapping {
  const mapping: ColumnMapping = {};
  for (const key of ['prompt', 'conversation', 'system', 'responseList', 'preference', 'images', 'id'] as const) {
    if (draft[key] !== '') mapping[key] = draft[key];
  }
  const responses = draft.responses.filter((column) => column !== '');
  if (responses.length >= 2) mapping.responses = responses;
  return mapping;
}

interface Target {
  key: SingleTarget;
  label: string;
  /** One short line; the full rule is in `title` and in FORMATS.md. */
  hint: string;
  title: string;
  testId: string;
}

const BEFORE_RESPONSES: readonly Target[] = [
  { key: 'prompt', label: 'Prompt', hint: 'text or messages', title: 'The question: text (one user turn) or a message list', testId: 'map-prompt' },
  {
    key: 'conversation',
    label: 'Conversation',
    hint: 'messages before',
    title: 'A message list: the conversation before the responses (a mapped prompt comes after it)',
    testId: 'map-conversation',
  },
  { key: 'system', label: 'System', hint: 'text', title: 'A system prompt, put first', testId: 'map-system' },
  { key: 'images', label: 'Images', hint: 'path(s) or bytes', title: 'An image path, a list of paths (relative to the file), or {bytes, path}', testId: 'map-images' },
];

const AFTER_RESPONSES: readonly Target[] = [
  {
    key: 'responseList',
    label: 'Response list',
    hint: 'instead of columns',
    title: 'One column holding a list of responses (unlabeled unless a preference column ranks them)',
    testId: 'map-response-list',
  },
  {
    key: 'preference',
    label: 'Preference',
    hint: 'ranks, index, a/b, tie',
    title:
      'A list of ranks (0 = best), the index of the preferred response (0 = first), a response column’s name, left/right, a/b, first/second, model_a/model_b, or tie. Empty = unlabeled; anything else is refused.',
    testId: 'map-preference',
  },
  { key: 'id', label: 'Id', hint: 'optional', title: 'The row’s id; without one, an id is made from the content', testId: 'map-id' },
];

const MAX_RESPONSES = 16;

function ColumnSelect({
  label,
  hint,
  title,
  value,
  keys,
  testId,
  disabled,
  onChange,
}: {
  label: string;
  hint?: string;
  title?: string;
  value: string;
  keys: readonly string[];
  testId: string;
  disabled: boolean;
  onChange(value: string): void;
}) {
  const id = useId();
  const hintId = useId();
  // A remembered column this file lacks stays visible rather than silently dropped.
  const options = value !== '' && !keys.includes(value) ? [...keys, value] : keys;
  return (
    <div className="mapping-target" title={title}>
      <div className="mapping-label-row">
        <label htmlFor={id} className="field-label">
          {label}
        </label>
        {hint !== undefined && (
          <span id={hintId} className="mapping-hint small muted">
            {hint}
          </span>
        )}
      </div>
      <select
        id={id}
        className="select"
        value={value}
        disabled={disabled}
        data-testid={testId}
        aria-describedby={hint === undefined ? undefined : hintId}
        onChange={(event) => onChange(event.target.value)}
      >
        <option value="">— not mapped —</option>
        {options.map((key) => (
          <option key={key} value={key}>
            {keys.includes(key) ? key : `${key} (not in this file)`}
          </option>
        ))}
      </select>
    </div>
  );
}

export function ColumnMappingEditor({
  keys,
  draft,
  disabled,
  onChange,
}: {
  keys: readonly string[];
  draft: MappingDraft;
  disabled: boolean;
  onChange(draft: MappingDraft): void;
}) {
  const set = (key: SingleTarget, value: string): void => onChange({ ...draft, [key]: value });
  const setResponse = (index: number, value: string): void =>
    onChange({ ...draft, responses: draft.responses.map((column, at) => (at === index ? value : column)) });
  const chosenResponses = draft.responses.filter((column) => column !== '').length;
  const responsesId = useId();
  const targetSelect = (target: Target) => (
    <ColumnSelect
      key={target.key}
      label={target.label}
      hint={target.hint}
      title={target.title}
      value={draft[target.key]}
      keys={keys}
      testId={target.testId}
      disabled={disabled}
      onChange={(value) => set(target.key, value)}
    />
  );

  return (
    <div className="mapping-grid" data-testid="column-mapping">
      {BEFORE_RESPONSES.map(targetSelect)}
      <div className="mapping-responses" role="group" aria-labelledby={responsesId}>
        <div className="mapping-legend">
          <span className="field-label" id={responsesId}>
            Responses
          </span>{' '}
          <span className="mapping-hint small muted">
            best first, unless a preference column says otherwise
            {chosenResponses === 1 && <strong> · pick a second response column</strong>}
          </span>
        </div>
        {draft.responses.map((column, index) => (
          <div className="mapping-response" key={index}>
            <ColumnSelect
              label={index === 0 ? 'Response 1 (best)' : `Response ${index + 1}`}
              value={column}
              keys={keys}
              testId={`map-response-${index}`}
              disabled={disabled}
              onChange={(value) => setResponse(index, value)}
            />
            {draft.responses.length > 2 && (
              <button
                type="button"
                className="button small"
                disabled={disabled}
                aria-label={`Remove response ${index + 1}`}
                data-testid={`map-response-remove-${index}`}
                onClick={() => onChange({ ...draft, responses: draft.responses.filter((_, at) => at !== index) })}
              >
                Remove
              </button>
            )}
          </div>
        ))}
        {draft.responses.length < MAX_RESPONSES && (
          <button
            type="button"
            className="button small"
            disabled={disabled}
            data-testid="map-response-add"
            onClick={() => onChange({ ...draft, responses: [...draft.responses, ''] })}
          >
            Add a response column
          </button>
        )}
      </div>
      {AFTER_RESPONSES.map(targetSelect)}
    </div>
  );
}
