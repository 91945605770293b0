/**
 * Which view is showing, mirrored in the URL hash (`#/items/<id>`, `#/runs/<run id>`) so a reload
 * lands on the same screen, item and run. The hash, not the path, because `serve` and Electron's file URLs only know
 * one page.
 */
import { create } from 'zustand';

export type ViewId = 'home' | 'annotate' | 'items' | 'agreement' | 'train' | 'runs';
export const VIEW_IDS: readonly ViewId[] = ['home', 'annotate', 'items', 'agreement', 'train', 'runs'];

export interface Route {
  view: ViewId;
  /** The selected item in the Items view. */
  itemId: string | null;
  /** The run shown in the Runs view. */
  runId: number | null;
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
  const runNumber = known === 'runs' && /^\d+$/.test(rawId) ? Number(rawId) : null;
  return { view: known, itemId, runId: runNumber !== null && runNumber > 0 ? runNumber : null };
}

export function formatHash(route: Route): string {
  if (route.view === 'runs' && route.runId !== null) return `#/runs/${route.runId}`;
  return route.itemId ? `#/${route.view}/${encodeURIComponent(route.itemId)}` : `#/${route.view}`;
}

interface RouteState extends Route {
  navigate(view: ViewId): void;
  selectItem(itemId: string | null): void;
  /** Shows a run in the Runs view (switching to it). */
  openRun(runId: number | null): void;
}

function writeHash(route: Route): void {
  const hash = formatHash(route);
  // replaceState: moving through items must not fill the back button with hundreds of entries.
  if (window.location.hash !== hash) window.history.replaceState(window.history.state, '', hash);
}

export const useRouteStore = create<RouteState>((set, get) => ({
  ...parseHash(window.location.hash),
  navigate(view) {
    const { itemId, runId } = get();
    writeHash({ view, itemId: view === 'items' ? itemId : null, runId: view === 'runs' ? runId : null });
    set({ view });
  },
  selectItem(itemId) {
    writeHash({ view: get().view, itemId, runId: null });
    set({ itemId });
  },
  openRun(runId) {
    writeHash({ view: 'runs', itemId: null, runId });
    set({ view: 'runs', runId });
  },
}));

window.addEventListener('hashchange', () => {
  useRouteStore.setState(parseHash(window.location.hash));
});
