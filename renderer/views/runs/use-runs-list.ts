/** The project's runs, kept current by runs.onChanged (status, step, ETA, checkpoints). */
import { useCallback, useEffect, useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { describeError } from '../../client/studio-client-error';
import { useStudioEvent } from '../../hooks/use-studio-event';
import { useProjectStore } from '../../state/project-store';
import { upsertById } from '../../state/upsert-by-id';
import type { RunSummary } from '../../client/contract-types';

export interface RunsList {
  runs: RunSummary[] | null;
  error: string | null;
  reload(): void;
  remove(runId: number): void;
}

export function useRunsList(): RunsList {
  const client = useStudioClient();
  const projectDir = useProjectStore((state) => state.project?.dir ?? null);
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    client.invoke('runs.list', {}).then(
      (list) => {
        setRuns(list);
        setError(null);
      },
      (failure: unknown) => setError(describeError(failure).message),
    );
  }, [client]);

  useEffect(() => {
    setRuns(null);
    if (projectDir) reload();
  }, [projectDir, reload]);

  useStudioEvent('runs.onChanged', (run) => {
    setRuns((current) => (current ? upsertById(current, run) : current));
  });

  const remove = useCallback((runId: number) => setRuns((current) => current?.filter((run) => run.id !== runId) ?? current), []);
  return { runs, error, reload, remove };
}
