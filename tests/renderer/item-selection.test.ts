import { describe, expect, it } from 'vitest';
import { applyToggles, baseIntervals, EMPTY_SELECTION, extendTo, isSelected, selectAll, selectedCount, selectOnly, toggle } from '../../renderer/views/items/item-selection';

describe('multi-select over a virtual table', () => {
  it('click, shift-click and ctrl-click', () => {
    let selection = selectOnly(5);
    selection = extendTo(selection, 2);
    expect(baseIntervals(selection, 100)).toEqual([[2, 6]]);
    expect(selectedCount(selection, 100)).toBe(4);
    selection = toggle(selection, 3, 'id-3');
    selection = toggle(selection, 50, 'id-50');
    expect(isSelected(selection, 3, 'id-3')).toBe(false);
    expect(isSelected(selection, 50, 'id-50')).toBe(true);
    expect(selectedCount(selection, 100)).toBe(4);
    const base = [2, 3, 4, 5].map((index) => ({ id: `id-${index}`, index }));
    expect(applyToggles(selection, base).sort()).toEqual(['id-2', 'id-4', 'id-5', 'id-50']);
  });

  it('select all matching, minus a few, without loading every row', () => {
    const selection = toggle(selectAll(), 7, 'id-7');
    expect(selectedCount(selection, 100_000)).toBe(99_999);
    expect(baseIntervals(selection, 100_000)).toEqual([[0, 100_000]]);
    expect(selectedCount(EMPTY_SELECTION, 10)).toBe(0);
  });
});
