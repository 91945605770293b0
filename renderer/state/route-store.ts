/**
 * Which view is showing, mirrored in the URL hash (`#/items/<id>`, `#/runs/<run id>`) so a reload
 * lands on the same screen, item and run. The hash, not the path, because `serve` and Electron's file URLs only know
 * one page. Each view, opened run and opened comparison is a history entry, so Back and Forward
 * walk them as in any web app; moving between items replaces the entry (hundreds of j presses must
 * not fill the Back button).
 */
import { create } from 'zustand';

export type ViewId = 'home' | 'annotate' | 'items' | 'agreement' | 'team' | 'train' | 'runs' | 'evaluate' | 'compare' | 'models';
export const VIEW_IDS: readonly ViewId[] = ['home', 'annotate', 'items', 'agreement', 'team', 'train', 'runs', 'evaluate', 'compare', 'models'];

export interface Route {
  view: ViewId;
  /** The selected item in the Items view. */
  itemId: string | null;
  /** The run shown in the Runs view. */
  runId: number | null;
  /** The two evaluations (A, B) in the Compare view: `#/compare/<a>/<b>`. */
  compareIds: [number, number] | null;
}

function parseComparePair(rawId: string): [number, number] | null {
  const match = /^(\d+)\/(\d+)$/.exec(rawId);
  if (!match) return null;
  const a = Number(match[1]);
  const b = Number(match[2]);
  return a > 0 && b > 0 ? [a, b] : null;
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
  const compareIds = known === 'compare' ? parseComparePair(rawId) : null;
  return { view: known, itemId, runId: runNumber !== null && runNumber > 0 ? runNumber : null, compareIds };
}

export function formatHash(route: Route): string {
  if (route.view === 'runs' && route.runId !== null) return `#/runs/${route.runId}`;
  if (route.view === 'compare' && route.compareIds) return `#/compare/${route.compareIds[0]}/${route.compareIds[1]}`;
  return route.itemId ? `#/${route.view}/${encodeURIComponent(route.itemId)}` : `#/${route.view}`;
}

interface RouteState extends Route {
  navigate(view: ViewId): void;
  selectItem(itemId: string | null): void;
  /** Shows a run in the Runs view (switching to it). */
  openRun(runId: number | null): void;
  /** Shows two evaluations side by side in the Compare view (switching to it); null: pick them there. */
  openCompare(pair: [number, number] | null): void;
}

/** `push`: a new history entry (another view, run or comparison); `replace`: the same place, refined. */
function writeHash(route: Route, mode: 'push' | 'replace'): void {
  const hash = formatHash(route);
  if (window.location.hash === hash) return;
  if (mode === 'push') window.history.pushState(null, '', hash);
  else window.history.replaceState(window.history.state, '', hash);
}

export const useRouteStore = create<RouteState>((set, get) => ({
  ...parseHash(window.location.hash),
  navigate(view) {
    const { itemId, runId, compareIds } = get();
    const route = { view, itemId: view === 'items' ? itemId : null, runId: view === 'runs' ? runId : null, compareIds: view === 'compare' ? compareIds : null };
    writeHash(route, view === get().view ? 'replace' : 'push');
    set({ view });
  },
  selectItem(itemId) {
    writeHash({ view: get().view, itemId, runId: null, compareIds: null }, 'replace');
    set({ itemId });
  },
  openRun(runId) {
    const current = get();
    writeHash({ view: 'runs', itemId: null, runId, compareIds: null }, current.view === 'runs' && current.runId === null ? 'replace' : 'push');
    set({ view: 'runs', runId });
  },
  openCompare(pair) {
    const current = get();
    writeHash({ view: 'compare', itemId: null, runId: null, compareIds: pair }, current.view === 'compare' && current.compareIds === null ? 'replace' : 'push');
    set({ view: 'compare', compareIds: pair });
  },
}));

// Back/Forward (popstate) and a hash typed or linked (hashchange) both land here.
const followLocation = () => useRouteStore.setState(parseHash(window.location.hash));
window.addEventListener('popstate', followLocation);
window.addEventListener('hashchange', followLocation);
