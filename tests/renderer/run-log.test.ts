import { describe, expect, it } from 'vitest';
import { joinLog } from '../../renderer/views/runs/use-run-detail';

describe('run log tail', () => {
  it('joins the fetched tail and the live lines without repeating their overlap', () => {
    expect(joinLog(['a', 'b', 'c'], ['c', 'd'])).toEqual(['a', 'b', 'c', 'd']);
    expect(joinLog(['a', 'b', 'c'], ['b', 'c', 'd'])).toEqual(['a', 'b', 'c', 'd']);
    expect(joinLog(['a', 'b'], ['x'])).toEqual(['a', 'b', 'x']);
    expect(joinLog([], ['x'])).toEqual(['x']);
  });
});
