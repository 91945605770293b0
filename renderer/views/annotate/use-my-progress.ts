/**
 * A team member's own figures (`team.myProgress`) for the Annotate toolbar: loaded when Annotate
 * opens and again a moment after each judgment the server confirmed (debounced: a run of quick
 * judgments asks once), since members do not receive `judgments.onChanged`.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import type { MemberProgress } from '../../client/contract-types';

const REFETCH_AFTER_MS = 400;

export function useMyProgress(enabled: boolean): { progress: MemberProgress | null; refetchSoon(): void } {
  const client = useStudioClient();
  const [progress, setProgress] = useState<MemberProgress | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const live = useRef(true);

  const fetchNow = useCallback(() => {
    if (!enabled) return;
    client.invoke('team.myProgress', {}).then(
      (fresh) => {
        if (live.current) setProgress(fresh);
      },
      // The figures are a courtesy: a failure (offline, an older server) keeps the last ones.
      () => {},
    );
  }, [client, enabled]);

  useEffect(() => {
    live.current = true;
    fetchNow();
    return () => {
      live.current = false;
      if (timer.current !== null) clearTimeout(timer.current);
    };
  }, [fetchNow]);

  const refetchSoon = useCallback(() => {
    if (!enabled) return;
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = null;
      fetchNow();
    }, REFETCH_AFTER_MS);
  }, [enabled, fetchNow]);

  return { progress, refetchSoon };
}

/** "Today 12 · total 40", and "gold 4/5" once the member answered gold items. */
export function myProgressText(progress: MemberProgress): { counts: string; gold: string | null } {
  const counts = `Today ${progress.judgedToday} · total ${progress.judgedTotal}`;
  const gold = progress.gold.answered > 0 ? `gold ${progress.gold.correct}/${progress.gold.answered}` : null;
  return { counts, gold };
}
