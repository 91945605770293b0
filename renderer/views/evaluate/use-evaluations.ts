/** The project's evaluations, newest first, kept current by evaluations.onChanged (status, progress, metrics). */
import { useCallback, useEffect, useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { describeError } from '../../client/studio-client-error';
import { useStudioEvent } from '../../hooks/use-studio-event';
import { useProjectStore } from '../../state/project-store';
import { upsertEvaluation } from './evaluation-types';
import type { EvaluationSummary } from '../../client/contract-types';

export interface EvaluationsList {
  evaluations: EvaluationSummary[] | null;
  error: string | null;
  reload(): void;
  /** Puts results the caller already has (evaluations.start's answer) into the list at once. */
  merge(entries: readonly EvaluationSummary[]): void;
  remove(id: number): void;
}

export function useEvaluations(): EvaluationsList {
  const client = useStudioClient();
  const projectDir = useProjectStore((state) => state.project?.dir ?? null);
  const [evaluations, setEvaluations] = useState<EvaluationSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    client.invoke('evaluations.list', {}).then(
      (list) => {
        setEvaluations(list);
        setError(null);
      },
      (failure: unknown) => setError(describeError(failure).message),
    );
  }, [client]);

  useEffect(() => {
    setEvaluations(null);
    if (projectDir) reload();
  }, [projectDir, reload]);

  useStudioEvent('evaluations.onChanged', (summary) => {
    setEvaluations((current) => (current ? upsertEvaluation(current, summary) : current));
  });

  const merge = useCallback((entries: readonly EvaluationSummary[]) => {
    setEvaluations((current) => entries.reduce<EvaluationSummary[]>((list, entry) => upsertEvaluation(list, entry), current ?? []));
  }, []);
  const remove = useCallback((id: number) => setEvaluations((current) => current?.filter((entry) => entry.id !== id) ?? current), []);
  return { evaluations, error, reload, merge, remove };
}
