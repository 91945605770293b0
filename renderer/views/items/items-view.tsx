/** Items: a filterable, virtualized list on the left, the selected item in full on the right. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useDebounced } from '../../hooks/use-debounced';
import { useProjectStore } from '../../state/project-store';
import { useRouteStore } from '../../state/route-store';
import { ItemDetailView } from './item-detail';
import { ItemList } from './item-list';
import { BulkActionBar } from './bulk-action-bar';
import type { RowClick } from './item-row';
import { applyToggles, baseIntervals, EMPTY_SELECTION, extendTo, selectAll, selectedCount, selectOnly, toggle, type Selection } from './item-selection';
import { ItemsToolbar } from './items-toolbar';
import { useItemDetail } from './use-item-detail';
import { useItemWindow, type ItemFilters } from './use-item-window';
import { useListKeys } from './use-list-keys';

const SEARCH_DEBOUNCE_MS = 200;

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

const NO_FILTERS: ItemFilters = { split: 'all', status: 'all', search: '', flagged: 'all' };

export function ItemsView() {
  const revision = useProjectStore((state) => state.revision);
  const itemId = useRouteStore((state) => state.itemId);
  const selectItem = useRouteStore((state) => state.selectItem);
  const navigate = useRouteStore((state) => state.navigate);
  const [filters, setFilters] = useState<ItemFilters>(NO_FILTERS);
  const search = useDebounced(filters.search, SEARCH_DEBOUNCE_MS);
  const queryFilters: ItemFilters = { ...filters, search };
  const rows = useItemWindow(queryFilters, revision);
  const [selection, setSelection] = useState<Selection>(EMPTY_SELECTION);
  const filterKey = JSON.stringify([filters.split, filters.status, search, filters.flagged]);
  // Other filters, other rows: a selection by index would point at different items.
  useEffect(() => setSelection(EMPTY_SELECTION), [filterKey]);
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
      setSelection(selectOnly(to));
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

  const onRowClick = useCallback(
    (index: number, id: string, how: RowClick) => {
      setSelection((previous) => (how === 'extend' ? extendTo(previous, index) : how === 'toggle' ? toggle(previous, index, id) : selectOnly(index)));
      if (how === 'only') {
        setPendingIndex(null);
        selectItem(id);
      }
    },
    [selectItem],
  );

  const resolveIds = useCallback(async () => {
    const total = rows.total ?? 0;
    const base: { id: string; index: number }[] = [];
    for (const [start, end] of baseIntervals(selection, total)) base.push(...(await rows.idsInRange(start, end)));
    return applyToggles(selection, base);
  }, [rows, selection]);

  const filtered = filters.split !== 'all' || filters.status !== 'all' || filters.flagged !== 'all' || filters.search.trim() !== '';
  const count = selectedCount(selection, rows.total ?? 0);

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
          <ItemList window={rows} currentIndex={pendingIndex ?? selectedIndex} selection={selection} onRowClick={onRowClick} />
        )}
        <BulkActionBar
          count={count}
          total={rows.total ?? 0}
          allMatching={selection.all && selection.toggled.size === 0}
          resolveIds={resolveIds}
          onSelectAll={() => setSelection(selectAll())}
          onClear={() => setSelection(EMPTY_SELECTION)}
        />
        <div className="items-keys small muted" aria-hidden="true">
          <kbd>j</kbd>
          <kbd>k</kbd> move · <kbd>/</kbd> search · <kbd>⇧</kbd>/<kbd>Ctrl</kbd>+click select several
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
