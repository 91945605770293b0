/**
 * The comparison of two evaluations (evaluations.compare), fetched again when either of them
 * changes (re-run, deleted) so the view never shows numbers the database no longer holds.
 */
import { useCallback, useEffect, useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { describeError } from '../../client/studio-client-error';
import { useStudioEvent } from '../../hooks/use-studio-event';
import type { EvaluationComparison } from '../../client/contract-types';

export interface ComparisonState {
  comparison: EvaluationComparison | null;
  error: { message: string; hint: string | undefined } | null;
  /** Bumped on every fetched comparison: the item table refetches its page with it. */
  version: number;
}

export function useComparison(a: number, b: number): ComparisonState {
  const client = useStudioClient();
  const [state, setState] = useState<ComparisonState>({ comparison: null, error: null, version: 0 });

  const load = useCallback(() => {
    let cancelled = false;
    client.invoke('evaluations.compare', { a, b }).then(
      (comparison) => !cancelled && setState((current) => ({ comparison, error: null, version: current.version + 1 })),
      (failure: unknown) => {
        if (cancelled) return;
        const { message, hint } = describeError(failure);
        setState((current) => ({ ...current, comparison: null, error: { message, hint } }));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [client, a, b]);

  useEffect(() => {
    setState((current) => ({ ...current, comparison: null, error: null }));
    return load();
  }, [load]);

  useStudioEvent('evaluations.onChanged', (summary) => {
    // Only a finished re-run changes what is stored; progress events of it do not.
    if ((summary.id === a || summary.id === b) && summary.status === 'finished') load();
  });

  return state;
}
