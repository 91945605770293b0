import { describe, expect, it } from 'vitest';
import { compareItemsInput, INITIAL_QUERY, moveSelection, offsetOfPage, PAGE_SIZE, pageCount, withQuery } from '../../renderer/views/compare/compare-filters';

describe('compare table query', () => {
  it('sends split and agreement only when narrowed', () => {
    expect(compareItemsInput(3, 7, INITIAL_QUERY)).toEqual({ a: 3, b: 7, filter: 'all', offset: 0, limit: PAGE_SIZE });
    const narrowed = withQuery(INITIAL_QUERY, { filter: 'a-only', split: 'val', agreement: 'disagree' });
    expect(compareItemsInput(3, 7, narrowed)).toEqual({ a: 3, b: 7, filter: 'a-only', split: 'val', agreement: 'disagree', offset: 0, limit: PAGE_SIZE });
  });

  it('starts again at the first page when a filter changes', () => {
    const paged = { ...INITIAL_QUERY, offset: 300 };
    expect(withQuery(paged, { filter: 'both-wrong' }).offset).toBe(0);
    expect(withQuery(paged, { split: 'test' })).toEqual({ filter: 'all', split: 'test', agreement: 'any', offset: 0 });
  });

  it('pages within the rows that exist', () => {
    expect(pageCount(0)).toBe(1);
    expect(pageCount(PAGE_SIZE)).toBe(1);
    expect(pageCount(PAGE_SIZE + 1)).toBe(2);
    expect(offsetOfPage(1, 250)).toBe(PAGE_SIZE);
    expect(offsetOfPage(9, 250)).toBe(2 * PAGE_SIZE);
    expect(offsetOfPage(-1, 250)).toBe(0);
  });

  it('moves the keyboard selection within the page', () => {
    expect(moveSelection(null, 1, 5)).toBe(0);
    expect(moveSelection(null, -1, 5)).toBe(4);
    expect(moveSelection(2, 1, 5)).toBe(3);
    expect(moveSelection(4, 1, 5)).toBe(4);
    expect(moveSelection(0, -1, 5)).toBe(0);
    expect(moveSelection(3, 1, 0)).toBeNull();
  });
});
