/** Views per role: the owner sees all, an annotator Annotate only, a reviewer also Agreement and Team. */
import { describe, expect, it, vi } from 'vitest';

// route-store (where the view ids live) follows the address bar at import: give it a bare window.
vi.hoisted(() => {
  const location = { hash: '' };
  Object.assign(globalThis, { window: { location, history: { pushState() {}, replaceState() {}, state: null }, addEventListener() {} } });
});
import { allowedView, viewsFor } from '../../renderer/app/role-views';
import { VIEW_IDS } from '../../renderer/state/route-store';

describe('viewsFor', () => {
  it('gives the owner every view', () => {
    expect(viewsFor('owner')).toEqual(VIEW_IDS);
  });

  it('gives an annotator Annotate only', () => {
    expect(viewsFor('annotator')).toEqual(['annotate']);
  });

  it('gives a reviewer Annotate, Agreement and Team, in nav order, and none of the owner views', () => {
    const views = viewsFor('reviewer');
    expect(views).toEqual(['annotate', 'agreement', 'team']);
    for (const owner of ['home', 'items', 'train', 'runs', 'evaluate', 'compare', 'models'] as const) expect(views).not.toContain(owner);
  });

  it('sends a hidden view to Annotate and keeps an allowed one', () => {
    expect(allowedView('annotator', 'runs')).toBe('annotate');
    expect(allowedView('annotator', 'home')).toBe('annotate');
    expect(allowedView('reviewer', 'agreement')).toBe('agreement');
    expect(allowedView('owner', 'models')).toBe('models');
  });
});
