/**
 * Home's counts are read again when Home is shown and, while it is, shortly after judgments change.
 * Judging does not broadcast the project summary (it costs ~100 ms on 100k items, too much for
 * every key press), so without this a person coming back from Annotate saw the counts of before.
 */
import { useCallback, useEffect, useRef } from 'react';
import { useStudioClient } from '../../client/client-context';
import { useStudioEvent } from '../../hooks/use-studio-event';
import { useProjectStore } from '../../state/project-store';

/** At most one summary read per this many ms while judgments stream in (other annotators judging). */
const REFRESH_DELAY_MS = 1000;

export function useFreshSummary(projectDir: string | null): void {
  const client = useStudioClient();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refresh = useCallback(() => {
    if (projectDir === null) return;
    client.invoke('projects.current', {}).then(
      // A project switch meanwhile brings its own summary through projects.onChanged.
      (summary) => summary?.dir === projectDir && useProjectStore.getState().setProject(summary),
      () => undefined,
    );
  }, [client, projectDir]);
  useEffect(() => {
    refresh();
    return () => {
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [refresh]);
  useStudioEvent('judgments.onChanged', () => {
    if (timer.current !== null) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      refresh();
    }, REFRESH_DELAY_MS);
  });
}
