import { describe, expect, it } from 'vitest';
import {
  addResponse,
  bestIndices,
  checkDraft,
  emptyDraft,
  formatScore,
  inputFingerprint,
  removeResponse,
  scoreByRow,
  setResponseText,
  type PlaygroundDraft,
} from '../../renderer/views/models/playground-draft';
import { modelKey, parseModelKey } from '../../renderer/views/models/model-types';
import { MAX_RESPONSES, type ScoreResult } from '../../renderer/client/contract-types';

const model = { kind: 'checkpoint', checkpointId: 3 } as const;

function filled(...texts: string[]): PlaygroundDraft {
  let draft: PlaygroundDraft = { ...emptyDraft(), query: 'What colour is the square?' };
  while (draft.responses.length < texts.length) draft = addResponse(draft);
  draft.responses.forEach((row, index) => {
    draft = setResponseText(draft, row.key, texts[index] ?? '');
  });
  return draft;
}

describe('playground draft', () => {
  it('adds rows up to the contract limit and always keeps one', () => {
    let draft = emptyDraft();
    expect(draft.responses).toHaveLength(2);
    for (let i = 0; i < 30; i += 1) draft = addResponse(draft);
    expect(draft.responses).toHaveLength(MAX_RESPONSES);
    expect(new Set(draft.responses.map((row) => row.key)).size).toBe(MAX_RESPONSES);
    for (const row of [...draft.responses]) draft = removeResponse(draft, row.key);
    expect(draft.responses).toHaveLength(1);
    // Removing the last one clears it instead.
    draft = setResponseText(draft, draft.responses[0]!.key, 'text');
    draft = removeResponse(draft, draft.responses[0]!.key);
    expect(draft.responses.map((row) => row.text)).toEqual(['']);
  });

  it('builds the scoring.score input, or says what stops it', () => {
    const ok = checkDraft(filled('red', 'blue'), model);
    expect(ok).toEqual({ ok: true, input: { model, query: 'What colour is the square?', responses: ['red', 'blue'], image: null } });
    expect(checkDraft(filled('red', 'blue'), null)).toMatchObject({ ok: false, problem: expect.stringMatching(/Choose a model/) });
    expect(checkDraft(filled('red', '  '), model)).toMatchObject({ ok: false, problem: 'Response B is empty: write one or remove the row.' });
    const withImage = { ...filled('red', 'blue'), image: { name: 'a.png', dataUrl: 'data:image/png;base64,AAAA', bytes: 3, file: new File([new Uint8Array(3)], 'a.png', { type: 'image/png' }) } };
    expect(checkDraft(withImage, model)).toMatchObject({ ok: true, input: { image: 'data:image/png;base64,AAAA' } });
  });

  it('maps scores to the rows they were computed for, and notices edits', () => {
    const draft = filled('red', 'blue', 'green');
    const check = checkDraft(draft, model);
    if (!check.ok) throw new Error(check.problem);
    const result: ScoreResult = { scores: [0.5, -1.25, 2], engine: 'python', model: 'run step 8', milliseconds: 12, loaded: true };
    const shown = { result, keys: draft.responses.map((row) => row.key), fingerprint: inputFingerprint(check.input) };
    const byRow = scoreByRow(shown);
    expect(draft.responses.map((row) => byRow.get(row.key))).toEqual([0.5, -1.25, 2]);
    const edited = checkDraft(setResponseText(draft, draft.responses[1]!.key, 'blue!'), model);
    if (!edited.ok) throw new Error(edited.problem);
    expect(inputFingerprint(edited.input)).not.toBe(shown.fingerprint);
    expect(inputFingerprint(check.input)).toBe(shown.fingerprint);
  });

  it('marks the best score, every one on a tie, none when all are equal', () => {
    expect([...bestIndices([0.1, 0.9, -2])]).toEqual([1]);
    expect([...bestIndices([1, 0, 1])]).toEqual([0, 2]);
    expect([...bestIndices([1, 1])]).toEqual([]);
    expect([...bestIndices([3])]).toEqual([]);
    expect(formatScore(-0.123456)).toBe('−0.1235');
  });

  it('round-trips model keys', () => {
    expect(parseModelKey(modelKey(model))).toEqual(model);
    expect(parseModelKey(modelKey({ kind: 'export', exportId: 'run-a_step-8.onnx' }))).toEqual({ kind: 'export', exportId: 'run-a_step-8.onnx' });
    expect(parseModelKey('checkpoint:0')).toBeNull();
    expect(parseModelKey('export:../x')).toBeNull();
  });
});
