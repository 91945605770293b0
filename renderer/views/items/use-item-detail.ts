/**
 * Loads `items.get` for the selected id. The previous item stays on screen (dimmed) until the
 * next one arrives, so moving with j/k does not flash an empty pane.
 */
import { useEffect, useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { describeError } from '../../client/studio-client-error';
import type { ItemDetail } from '../../client/contract-types';

export interface ItemDetailState {
  detail: ItemDetail | null;
  loading: boolean;
  error: { code: string; message: string; hint: string | undefined } | null;
}

export function useItemDetail(itemId: string | null, revision: number): ItemDetailState {
  const client = useStudioClient();
  const [state, setState] = useState<ItemDetailState>({ detail: null, loading: false, error: null });

  useEffect(() => {
    if (!itemId) {
      setState({ detail: null, loading: false, error: null });
      return;
    }
    let live = true;
    setState((previous) => ({ ...previous, loading: true, error: null }));
    client.invoke('items.get', { id: itemId }).then(
      (detail) => live && setState({ detail, loading: false, error: null }),
      (failure: unknown) => live && setState({ detail: null, loading: false, error: describeError(failure) }),
    );
    return () => {
      live = false;
    };
  }, [client, itemId, revision]);

  return state;
}
