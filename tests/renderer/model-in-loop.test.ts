import { describe, expect, it } from 'vitest';
import { modelScoreMarks } from '../../renderer/views/annotate/model-score-marks';
import { readShowModelScores, writeShowModelScores } from '../../renderer/views/annotate/model-scores-preference';
import { DEFAULT_QUEUE_FILTERS, queueFilterKey, queueListInput } from '../../renderer/views/annotate/queue-filters';

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> {
  const values = new Map<string, string>();
  return { getItem: (key) => values.get(key) ?? null, setItem: (key, value) => void values.set(key, value) };
}

describe('model in the loop', () => {
  it('places stored-order scores on the shown order and marks the single top one', () => {
    // Shown: stored response 2 first, then 0, then 1.
    expect(modelScoreMarks([0.2, -1, 0.7], [2, 0, 1])).toEqual([
      { score: 0.7, preferred: true },
      { score: 0.2, preferred: false },
      { score: -1, preferred: false },
    ]);
    expect(modelScoreMarks([0.5, 0.5], [1, 0]).map((mark) => mark?.preferred)).toEqual([false, false]);
    expect(modelScoreMarks([0.5], [0, 1])).toEqual([{ score: 0.5, preferred: true }, null]);
  });

  it('keeps the scores switch off until turned on, and remembers it', () => {
    const storage = memoryStorage();
    expect(readShowModelScores(storage)).toBe(false);
    writeShowModelScores(true, storage);
    expect(readShowModelScores(storage)).toBe(true);
    writeShowModelScores(false, storage);
    expect(readShowModelScores(storage)).toBe(false);
    expect(readShowModelScores(null)).toBe(false);
  });

  it('asks items.list for the uncertain order of the chosen evaluation, and restarts the queue when either changes', () => {
    const uncertain = { ...DEFAULT_QUEUE_FILTERS, order: 'uncertain' as const, evaluationId: 4 };
    expect(queueListInput(uncertain, 'ann', 0, 50)).toMatchObject({ order: 'uncertain', evaluationId: 4, annotator: 'ann', judged: 'not-by-me' });
    expect(queueListInput(DEFAULT_QUEUE_FILTERS, 'ann', 0, 50)).toMatchObject({ order: 'queue', evaluationId: undefined });
    expect(queueFilterKey(uncertain)).not.toBe(queueFilterKey(DEFAULT_QUEUE_FILTERS));
    expect(queueFilterKey(uncertain)).not.toBe(queueFilterKey({ ...uncertain, evaluationId: 5 }));
    // The queue order ignores the evaluation: a new one must not restart it.
    expect(queueFilterKey({ ...DEFAULT_QUEUE_FILTERS, evaluationId: 9 })).toBe(queueFilterKey(DEFAULT_QUEUE_FILTERS));
  });
});
