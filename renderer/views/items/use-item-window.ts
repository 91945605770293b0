/**
 * The Items list's data: a sparse, paged cache of `items.list` so the list can be virtualized
 * over any number of items. Rows are fetched a page at a time when they scroll into view. When
 * the project changes (an import landed), the loaded pages are refetched in place and stay on
 * screen until the new ones arrive, so the list never flashes empty.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { describeError } from '../../client/studio-client-error';
import type { ItemSummary, Split } from '../../client/contract-types';

export const ITEM_PAGE_SIZE = 100;

export interface ItemFilters {
  split: Split | 'all';
  status: 'all' | 'labeled' | 'unlabeled';
  search: string;
  flagged: 'all' | 'flagged';
}

export interface ItemWindow {
  /** null until the first page answered. */
  total: number | null;
  /** The row at an index, or undefined while its page loads. */
  itemAt(index: number): ItemSummary | undefined;
  indexOf(id: string): number;
  /** Make sure rows [start, end) are loaded or loading. */
  ensureRange(start: number, end: number): void;
  error: { message: string; hint: string | undefined } | null;
  /** Changes whenever rows arrive, so memoized children rerender. */
  version: number;
  /** Ids (with their index) of rows [start, end) under the current filters, fetched as needed (bulk actions). */
  idsInRange(start: number, end: number): Promise<{ id: string; index: number }[]>;
}

/** items.list accepts at most 1000 rows per call. */
const BULK_PAGE_SIZE = 1000;

function filterKey(filters: ItemFilters): string {
  return JSON.stringify([filters.split, filters.status, filters.search.trim(), filters.flagged]);
}

export function useItemWindow(filters: ItemFilters, revision: number): ItemWindow {
  const client = useStudioClient();
  const pages = useRef(new Map<number, ItemSummary[]>());
  const inFlight = useRef(new Set<number>());
  /** Generation of the cache: answers for an older filter are dropped. */
  const generation = useRef(0);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<ItemWindow['error']>(null);
  const [version, setVersion] = useState(0);
  const key = filterKey(filters);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;

  const fetchPage = useCallback(
    (page: number) => {
      if (inFlight.current.has(page)) return;
      inFlight.current.add(page);
      const gen = generation.current;
      const current = filtersRef.current;
      const search = current.search.trim();
      client
        .invoke('items.list', {
          offset: page * ITEM_PAGE_SIZE,
          limit: ITEM_PAGE_SIZE,
          split: current.split === 'all' ? undefined : current.split,
          status: current.status,
          search: search || undefined,
          flagged: current.flagged === 'flagged' ? true : undefined,
        })
        .then(
          (result) => {
            if (gen !== generation.current) return;
            inFlight.current.delete(page);
            pages.current.set(page, result.items);
            setTotal(result.total);
            setError(null);
            setVersion((v) => v + 1);
          },
          (failure: unknown) => {
            if (gen !== generation.current) return;
            inFlight.current.delete(page);
            const { message, hint } = describeError(failure);
            setError({ message, hint });
          },
        );
    },
    [client],
  );

  // New filters: start over from the first page.
  useEffect(() => {
    generation.current += 1;
    pages.current = new Map();
    inFlight.current = new Set();
    setTotal(null);
    setError(null);
    setVersion((v) => v + 1);
    fetchPage(0);
  }, [key, fetchPage]);

  // Same filters, changed project content: refresh what is loaded, keep showing it meanwhile.
  const firstRevision = useRef(revision);
  useEffect(() => {
    if (revision === firstRevision.current) return;
    generation.current += 1;
    inFlight.current = new Set();
    const loaded = [...pages.current.keys()];
    for (const page of loaded.length > 0 ? loaded : [0]) fetchPage(page);
  }, [revision, fetchPage]);

  const itemAt = useCallback((index: number) => pages.current.get(Math.floor(index / ITEM_PAGE_SIZE))?.[index % ITEM_PAGE_SIZE], []);

  const indexOf = useCallback((id: string) => {
    for (const [page, items] of pages.current) {
      const at = items.findIndex((item) => item.id === id);
      if (at >= 0) return page * ITEM_PAGE_SIZE + at;
    }
    return -1;
  }, []);

  const ensureRange = useCallback(
    (start: number, end: number) => {
      const last = total === null ? 0 : Math.max(0, Math.min(end, total) - 1);
      for (let page = Math.floor(Math.max(0, start) / ITEM_PAGE_SIZE); page <= Math.floor(last / ITEM_PAGE_SIZE); page += 1) {
        if (!pages.current.has(page)) fetchPage(page);
      }
    },
    [fetchPage, total],
  );

  const idsInRange = useCallback(
    async (start: number, end: number) => {
      const current = filtersRef.current;
      const search = current.search.trim();
      const out: { id: string; index: number }[] = [];
      for (let offset = start; offset < end; offset += BULK_PAGE_SIZE) {
        const page = await client.invoke('items.list', {
          offset,
          limit: Math.min(BULK_PAGE_SIZE, end - offset),
          split: current.split === 'all' ? undefined : current.split,
          status: current.status,
          search: search || undefined,
          flagged: current.flagged === 'flagged' ? true : undefined,
        });
        page.items.forEach((item, at) => out.push({ id: item.id, index: offset + at }));
        if (page.items.length === 0) break;
      }
      return out;
    },
    [client],
  );

  return { total, itemAt, indexOf, ensureRange, error, version, idsInRange };
}
