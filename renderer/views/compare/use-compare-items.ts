/** One page of the per-item table (evaluations.compareItems) for the current filters. */
import { useEffect, useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { describeError } from '../../client/studio-client-error';
import { compareItemsInput, type CompareQuery } from './compare-filters';
import type { CompareItemPage } from '../../client/contract-types';

export interface CompareItemsState {
  page: CompareItemPage | null;
  /** The query the shown page answers (the table marks itself stale while the next one loads). */
  pageQuery: CompareQuery | null;
  loading: boolean;
  error: string | null;
}

export function useCompareItems(a: number, b: number, query: CompareQuery, version: number): CompareItemsState {
  const client = useStudioClient();
  const [state, setState] = useState<CompareItemsState>({ page: null, pageQuery: null, loading: true, error: null });

  useEffect(() => {
    let cancelled = false;
    setState((current) => ({ ...current, loading: true }));
    client.invoke('evaluations.compareItems', compareItemsInput(a, b, query)).then(
      (page) => !cancelled && setState({ page, pageQuery: query, loading: false, error: null }),
      (failure: unknown) => !cancelled && setState((current) => ({ ...current, loading: false, error: describeError(failure).message })),
    );
    return () => {
      cancelled = true;
    };
  }, [client, a, b, query, version]);

  return state;
}
