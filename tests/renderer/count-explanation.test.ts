import { describe, expect, it } from 'vitest';
import { countExplanation } from '../../renderer/views/runs/start/count-explanation';

const project = (train: number, val: number, test: number) => ({
  bySplit: { train: { items: 99, labeled: train }, val: { items: 99, labeled: val }, test: { items: 99, labeled: test } },
});
const usual = { train: ['train' as const], val: ['val' as const] };

describe('why the run trains on fewer items than are labeled', () => {
  it('says nothing when every labeled item trains', () => {
    expect(countExplanation(project(14, 0, 0), usual, { trainItems: 14, trainAllTied: 0 })).toBeNull();
  });

  it('names the validation split, unused splits and all-tied items, only those that apply', () => {
    expect(countExplanation(project(13, 1, 0), usual, { trainItems: 13, trainAllTied: 0 })).toBe('13 of 14 labeled items train: 1 is in val (validates the run).');
    expect(countExplanation(project(12, 3, 2), usual, { trainItems: 10, trainAllTied: 2 })).toBe(
      '10 of 17 labeled items train: 3 are in val (validates the run), 2 are in test (not used by this run), 2 have every response tied (nothing to learn).',
    );
    expect(countExplanation(project(12, 3, 2), { train: ['train', 'test'], val: [] }, { trainItems: 14, trainAllTied: 0 })).toBe('14 of 17 labeled items train: 3 are in val (not used by this run).');
  });
});
