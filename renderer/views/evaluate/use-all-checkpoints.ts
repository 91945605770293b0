/**
 * Every checkpoint of every run, grouped under its run (newest run first), for the evaluate and
 * compare pickers. New checkpoints arrive through checkpoints.onAdded; run names and statuses
 * through runs.onChanged.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { describeError } from '../../client/studio-client-error';
import { useStudioEvent } from '../../hooks/use-studio-event';
import { useProjectStore } from '../../state/project-store';
import { upsertById } from '../../state/upsert-by-id';
import type { CheckpointInfo, RunSummary } from '../../client/contract-types';

export interface RunCheckpoints {
  run: RunSummary;
  /** Newest step first. */
  checkpoints: CheckpointInfo[];
}

export interface AllCheckpoints {
  groups: RunCheckpoints[] | null;
  error: string | null;
  byId: Map<number, { run: RunSummary; checkpoint: CheckpointInfo }>;
}

export function groupCheckpoints(runs: readonly RunSummary[], checkpoints: readonly CheckpointInfo[]): RunCheckpoints[] {
  return [...runs]
    .sort((a, b) => b.id - a.id)
    .map((run) => ({ run, checkpoints: checkpoints.filter((checkpoint) => checkpoint.runId === run.id).sort((a, b) => b.step - a.step) }))
    .filter((group) => group.checkpoints.length > 0);
}

export function useAllCheckpoints(): AllCheckpoints {
  const client = useStudioClient();
  const projectDir = useProjectStore((state) => state.project?.dir ?? null);
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [checkpoints, setCheckpoints] = useState<CheckpointInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    Promise.all([client.invoke('runs.list', {}), client.invoke('checkpoints.list', {})]).then(
      ([runList, checkpointList]) => {
        setRuns(runList);
        setCheckpoints(checkpointList);
        setError(null);
      },
      (failure: unknown) => setError(describeError(failure).message),
    );
  }, [client]);

  useEffect(() => {
    setRuns(null);
    setCheckpoints(null);
    if (projectDir) load();
  }, [projectDir, load]);

  useStudioEvent('runs.onChanged', (run) => {
    setRuns((current) => (current ? upsertById(current, run) : current));
  });
  useStudioEvent('checkpoints.onAdded', (checkpoint) => {
    setCheckpoints((current) => {
      if (!current) return current;
      // A newly best checkpoint of a run demotes that run's previous best.
      const others = current
        .filter((entry) => entry.id !== checkpoint.id)
        .map((entry) => (checkpoint.isBest && entry.isBest && entry.runId === checkpoint.runId ? { ...entry, isBest: false } : entry));
      return [...others, checkpoint];
    });
  });

  const groups = useMemo(() => (runs && checkpoints ? groupCheckpoints(runs, checkpoints) : null), [runs, checkpoints]);
  const byId = useMemo(() => {
    const map = new Map<number, { run: RunSummary; checkpoint: CheckpointInfo }>();
    for (const group of groups ?? []) for (const checkpoint of group.checkpoints) map.set(checkpoint.id, { run: group.run, checkpoint });
    return map;
  }, [groups]);
  return { groups, error, byId };
}
