/** Items: a filterable, virtualized list on the left, the selected item in full on the right. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useProjectStore } from '../../state/project-store';
import { useRouteStore } from '../../state/route-store';
import { ItemDetailView } from './item-detail';
import { ItemList } from './item-list';
import { ItemsToolbar } from './items-toolbar';
import { useItemDetail } from './use-item-detail';
import { useItemWindow, type ItemFilters } from './use-item-window';
import { useListKeys } from './use-list-keys';

const SEARCH_DEBOUNCE_MS = 200;

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

function EmptyList({ filtered, onClear, onHome }: { filtered: boolean; onClear(): void; onHome(): void }) {
  return (
    <div className="empty-state" data-testid="items-empty">
      {filtered ? (
        <>
          <p>No items match these filters.</p>
          <button type="button" className="button" onClick={onClear}>
            Clear filters
          </button>
        </>
      ) : (
        <>
          <p>This project has no items yet.</p>
          <p className="small muted">Import a JSONL or Parquet file on Home; the items appear here.</p>
          <button type="button" className="button primary" onClick={onHome}>
            Go to Home
          </button>
        </>
      )}
    </div>
  );
}

const NO_FILTERS: ItemFilters = { split: 'all', status: 'all', search: '' };

export function ItemsView() {
  const revision = useProjectStore((state) => state.revision);
  const itemId = useRouteStore((state) => state.itemId);
  const selectItem = useRouteStore((state) => state.selectItem);
  const navigate = useRouteStore((state) => state.navigate);
  const [filters, setFilters] = useState<ItemFilters>(NO_FILTERS);
  const search = useDebounced(filters.search, SEARCH_DEBOUNCE_MS);
  const queryFilters: ItemFilters = { ...filters, search };
  const rows = useItemWindow(queryFilters, revision);
  const detail = useItemDetail(itemId, revision);
  const searchRef = useRef<HTMLInputElement>(null);
  const viewRef = useRef<HTMLDivElement>(null);

  // Arriving from the nav: take focus off the nav button so j/k clearly act on the list.
  useEffect(() => {
    if (document.activeElement instanceof HTMLElement && document.activeElement.closest('[data-testid="side-nav"]')) viewRef.current?.focus();
  }, []);
  /** A keyboard move to a row whose page is still loading: selected once it arrives. */
  const [pendingIndex, setPendingIndex] = useState<number | null>(null);

  const selectedIndex = itemId ? rows.indexOf(itemId) : -1;

  // Land on the first item when nothing is selected, so the detail pane is never blank for no reason.
  useEffect(() => {
    if (itemId === null && rows.total !== null && rows.total > 0) {
      const first = rows.itemAt(0);
      if (first) selectItem(first.id);
    }
  }, [itemId, rows, selectItem]);

  useEffect(() => {
    if (pendingIndex === null) return;
    const item = rows.itemAt(pendingIndex);
    if (item) {
      selectItem(item.id);
      setPendingIndex(null);
    }
  }, [pendingIndex, rows, rows.version, selectItem]);

  const move = useCallback(
    (delta: number) => {
      const total = rows.total ?? 0;
      if (total === 0) return;
      const from = pendingIndex ?? (selectedIndex >= 0 ? selectedIndex : -1);
      const to = Math.max(0, Math.min(total - 1, from + delta));
      const item = rows.itemAt(to);
      if (item) {
        setPendingIndex(null);
        selectItem(item.id);
      } else {
        setPendingIndex(to);
        rows.ensureRange(to, to + 1);
      }
    },
    [rows, selectedIndex, pendingIndex, selectItem],
  );
  useListKeys(move, searchRef);

  const onSelect = useCallback(
    (_index: number, id: string) => {
      setPendingIndex(null);
      selectItem(id);
    },
    [selectItem],
  );

  const filtered = filters.split !== 'all' || filters.status !== 'all' || filters.search.trim() !== '';

  return (
    <div className="items-view" ref={viewRef} tabIndex={-1} data-testid="items-view">
      <div className="items-pane">
        <ItemsToolbar ref={searchRef} filters={filters} onChange={setFilters} total={rows.total} />
        {rows.error ? (
          <div className="empty-state" data-testid="items-error">
            <p>Could not load the items: {rows.error.message}</p>
            {rows.error.hint && <p className="small muted">{rows.error.hint}</p>}
          </div>
        ) : rows.total === 0 ? (
          <EmptyList filtered={filtered} onClear={() => setFilters(NO_FILTERS)} onHome={() => navigate('home')} />
        ) : (
          <ItemList window={rows} selectedIndex={pendingIndex ?? selectedIndex} onSelect={onSelect} />
        )}
        <div className="items-keys small muted" aria-hidden="true">
          <kbd>j</kbd>
          <kbd>k</kbd> move · <kbd>/</kbd> search
        </div>
      </div>
      <div className="detail-pane" data-testid="detail-pane">
        {detail.error ? (
          <div className="empty-state" data-testid="item-detail-error">
            <p>
              {detail.error.code === 'not_found'
                ? 'This item is not in the project any more (deleted, or another project is open).'
                : `Could not load this item: ${detail.error.message}`}
            </p>
            <p className="small muted">{detail.error.hint ?? 'Pick another item in the list.'}</p>
          </div>
        ) : detail.detail ? (
          <ItemDetailView detail={detail.detail} stale={detail.loading} />
        ) : detail.loading ? (
          <div className="empty-state muted">Loading…</div>
        ) : (
          <div className="empty-state muted" data-testid="item-detail-empty">
            Select an item on the left (<kbd>j</kbd>/<kbd>k</kbd> to move, <kbd>/</kbd> to search).
          </div>
        )}
      </div>
    </div>
  );
}
