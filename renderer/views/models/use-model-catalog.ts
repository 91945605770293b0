/**
 * Runs, checkpoints and exports of the open project, kept current: a new checkpoint
 * (checkpoints.onAdded), a run renamed or finished (runs.onChanged), an export made or deleted
 * (`reload()` after models.export / models.deleteExport).
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { describeError } from '../../client/studio-client-error';
import { useStudioEvent } from '../../hooks/use-studio-event';
import { modelOptionGroups, type ModelOptionGroup } from './model-options';
import type { CheckpointInfo, ModelExport, RunSummary } from '../../client/contract-types';

export interface ModelCatalog {
  loaded: boolean;
  runs: RunSummary[];
  checkpoints: CheckpointInfo[];
  exports: ModelExport[];
  groups: ModelOptionGroup[];
  error: string | null;
  reload(): void;
}

export function useModelCatalog(): ModelCatalog {
  const client = useStudioClient();
  const [state, setState] = useState<{ runs: RunSummary[]; checkpoints: CheckpointInfo[]; exports: ModelExport[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);

  useEffect(() => {
    let live = true;
    Promise.all([client.invoke('runs.list', {}), client.invoke('checkpoints.list', {}), client.invoke('models.exports', {})]).then(
      ([runs, checkpoints, exports]) => {
        if (!live) return;
        setState({ runs, checkpoints, exports });
        setError(null);
      },
      (failure: unknown) => {
        if (!live) return;
        const { message, hint } = describeError(failure);
        setError(hint ? `${message} ${hint}` : message);
      },
    );
    return () => {
      live = false;
    };
  }, [client, generation]);

  useStudioEvent('checkpoints.onAdded', reload);
  useStudioEvent('runs.onChanged', (run) => {
    // Progress ticks arrive several times a second; only a new name or a deleted/finished run matters here.
    setState((current) => {
      if (!current) return current;
      const known = current.runs.find((entry) => entry.id === run.id);
      if (known && known.name === run.name) return current;
      return { ...current, runs: known ? current.runs.map((entry) => (entry.id === run.id ? run : entry)) : [run, ...current.runs] };
    });
  });

  const groups = useMemo(() => (state ? modelOptionGroups(state.runs, state.checkpoints, state.exports) : []), [state]);
  return {
    loaded: state !== null,
    runs: state?.runs ?? [],
    checkpoints: state?.checkpoints ?? [],
    exports: state?.exports ?? [],
    groups,
    error,
    reload,
  };
}
