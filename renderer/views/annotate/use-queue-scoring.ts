/**
 * "Score the queue with the newest checkpoint": finds the most recently saved checkpoint and its
 * evaluation of the unjudged items, starts one on request (`evaluations.start`, scope
 * 'unjudged'), and follows its progress through evaluations.onChanged. `generation` changes each
 * time such an evaluation finishes, so shown scores and the uncertain order are asked again.
 * Disabled (a team member: checkpoints and evaluations are the owner's) it asks nothing.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { describeError } from '../../client/studio-client-error';
import { useStudioEvent } from '../../hooks/use-studio-event';
import type { CheckpointInfo, CommandResult } from '../../client/contract-types';

export type EvaluationSummary = CommandResult<'evaluations.get'>;

export interface QueueScoring {
  /** Null: no checkpoint yet (nothing to score with). */
  checkpoint: { id: number; runName: string; step: number } | null;
  /** The newest evaluation of the unjudged items by that checkpoint, in whatever state. */
  evaluation: EvaluationSummary | null;
  /** The finished one the 'uncertain' order and the scores come from. */
  readyEvaluationId: number | null;
  generation: number;
  starting: boolean;
  error: string | null;
  start(rerun: boolean): void;
}

function newest(checkpoints: readonly CheckpointInfo[]): CheckpointInfo | null {
  let best: CheckpointInfo | null = null;
  for (const checkpoint of checkpoints) if (!best || checkpoint.id > best.id) best = checkpoint;
  return best;
}

export function useQueueScoring(enabled = true): QueueScoring {
  const client = useStudioClient();
  const [checkpoint, setCheckpoint] = useState<QueueScoring['checkpoint']>(null);
  const [evaluation, setEvaluation] = useState<EvaluationSummary | null>(null);
  const [generation, setGeneration] = useState(0);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    if (!enabled) return;
    let live = true;
    (async () => {
      const [checkpoints, runs] = await Promise.all([client.invoke('checkpoints.list', {}), client.invoke('runs.list', {})]);
      const latest = newest(checkpoints);
      if (!live) return;
      if (!latest) {
        setCheckpoint(null);
        setEvaluation(null);
        return;
      }
      const runName = runs.find((run) => run.id === latest.runId)?.name ?? `run ${latest.runId}`;
      setCheckpoint({ id: latest.id, runName, step: latest.step });
      const evaluations = await client.invoke('evaluations.list', { checkpointId: latest.id });
      if (!live) return;
      // Newest first: the first of the unjudged scope is the one that counts.
      setEvaluation(evaluations.find((entry) => entry.scope === 'unjudged') ?? null);
    })().catch((failure: unknown) => {
      if (live) setError(describeError(failure).message);
    });
    return () => {
      live = false;
    };
  }, [client, reloads, enabled]);

  useStudioEvent('checkpoints.onAdded', () => setReloads((value) => value + 1));
  const shownEvaluation = useRef(evaluation);
  shownEvaluation.current = evaluation;
  useStudioEvent('evaluations.onChanged', (summary) => {
    if (!checkpoint || summary.checkpointId !== checkpoint.id || summary.scope !== 'unjudged') return;
    const current = shownEvaluation.current;
    if (current && current.id > summary.id) return;
    const justFinished = summary.status === 'finished' && !(current?.id === summary.id && current.status === 'finished');
    shownEvaluation.current = summary;
    setEvaluation(summary);
    if (justFinished) setGeneration((value) => value + 1);
  });

  const start = useCallback(
    (rerun: boolean) => {
      if (!checkpoint) return;
      setStarting(true);
      setError(null);
      client
        .invoke('evaluations.start', { checkpointIds: [checkpoint.id], scope: 'unjudged', rerun })
        .then(
          (summaries) => {
            const summary = summaries[0] ?? null;
            setEvaluation(summary);
            // A cached evaluation comes back finished at once; no event follows.
            if (summary?.status === 'finished') setGeneration((value) => value + 1);
          },
          (failure: unknown) => {
            const { message, hint } = describeError(failure);
            setError(hint ? `${message} ${hint}` : message);
          },
        )
        .finally(() => setStarting(false));
    },
    [client, checkpoint],
  );

  const readyEvaluationId = evaluation?.status === 'finished' ? evaluation.id : null;
  return { checkpoint, evaluation, readyEvaluationId, generation, starting, error, start };
}
