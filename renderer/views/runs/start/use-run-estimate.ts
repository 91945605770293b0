/** runs.estimate for the form as it stands, once it stopped changing for a moment. */
import { useEffect, useState } from 'react';
import { useStudioClient } from '../../../client/client-context';
import { describeError } from '../../../client/studio-client-error';
import { useDebounced } from '../../../hooks/use-debounced';
import type { SplitChoice } from './split-picker';
import type { RunEstimate } from '../../../client/contract-types';

export type EstimateState = { kind: 'idle' } | { kind: 'loading' } | { kind: 'ready'; estimate: RunEstimate } | { kind: 'error'; message: string };

export function useRunEstimate(config: Record<string, unknown> | null, splits: SplitChoice, gpus: readonly number[]): EstimateState {
  const client = useStudioClient();
  // One string so the debounce compares by value, not by the object identity of every render.
  const request = config && splits.train.length > 0 ? JSON.stringify({ config, splits, gpus }) : null;
  const settled = useDebounced(request, 400);
  const [state, setState] = useState<EstimateState>({ kind: 'idle' });

  useEffect(() => {
    if (settled === null) {
      setState({ kind: 'idle' });
      return;
    }
    let cancelled = false;
    setState({ kind: 'loading' });
    const input = JSON.parse(settled) as { config: Record<string, unknown>; splits: SplitChoice; gpus: number[] };
    client.invoke('runs.estimate', input).then(
      (estimate) => !cancelled && setState({ kind: 'ready', estimate }),
      (error: unknown) => !cancelled && setState({ kind: 'error', message: describeError(error).message }),
    );
    return () => {
      cancelled = true;
    };
  }, [client, settled]);

  return state;
}
