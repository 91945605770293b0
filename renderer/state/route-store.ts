/**
 * Which view is showing, mirrored in the URL hash (`#/items/<id>`) so a reload lands on the same
 * screen and item. The hash, not the path, because `serve` and Electron's file URLs only know
 * one page.
 */
import { create } from 'zustand';

export type ViewId = 'home' | 'annotate' | 'items' | 'agreement';
export const VIEW_IDS: readonly ViewId[] = ['home', 'annotate', 'items', 'agreement'];

export interface Route {
  view: ViewId;
  /** The selected item in the Items view. */
  itemId: string | null;
}

export function parseHash(hash: string): Route {
  const [view, ...rest] = hash.replace(/^#\/?/, '').split('/');
  const known = VIEW_IDS.find((id) => id === view) ?? 'home';
  const rawId = rest.join('/');
  let itemId: string | null = null;
  if (known === 'items' && rawId) {
    try {
      itemId = decodeURIComponent(rawId);
    } catch {
      itemId = null;
    }
  }
  return { view: known, itemId };
}

export function formatHash(route: Route): string {
  return route.itemId ? `#/${route.view}/${encodeURIComponent(route.itemId)}` : `#/${route.view}`;
}

interface RouteState extends Route {
  navigate(view: ViewId): void;
  selectItem(itemId: string | null): void;
}

function writeHash(route: Route): void {
  const hash = formatHash(route);
  // replaceState: moving through items must not fill the back button with hundreds of entries.
  if (window.location.hash !== hash) window.history.replaceState(window.history.state, '', hash);
}

export const useRouteStore = create<RouteState>((set, get) => ({
  ...parseHash(window.location.hash),
  navigate(view) {
    const route: Route = { view, itemId: view === 'items' ? get().itemId : null };
    writeHash(view === 'items' ? route : { view, itemId: null });
    set({ view });
  },
  selectItem(itemId) {
    writeHash({ view: get().view, itemId });
    set({ itemId });
  },
}));

window.addEventListener('hashchange', () => {
  useRouteStore.setState(parseHash(window.location.hash));
});
