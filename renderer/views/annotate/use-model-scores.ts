/**
 * The newest model scores of the item on screen, for the model-in-the-loop view. Asked only
 * after the item has painted (afterNextPaint), so moving on never waits for them, and kept per
 * item so going back shows them at once. `generation` changes when a new evaluation finished.
 */
import { useEffect, useRef, useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { describeError } from '../../client/studio-client-error';
import { afterNextPaint } from '../../components/after-next-paint';
import type { ItemScores } from './model-score-marks';

export type ModelScoresState = { status: 'off' | 'loading' } | { status: 'ready'; scores: ItemScores | null } | { status: 'error'; message: string };

type Cached = { scores: ItemScores | null } | { error: string };

export function useModelScores(enabled: boolean, itemId: string | null, generation: number): ModelScoresState {
  const client = useStudioClient();
  const cache = useRef(new Map<string, Cached>());
  const cacheGeneration = useRef(generation);
  const [, setVersion] = useState(0);

  if (cacheGeneration.current !== generation) {
    cacheGeneration.current = generation;
    cache.current = new Map();
  }

  useEffect(() => {
    if (!enabled || itemId === null || cache.current.has(itemId)) return;
    let live = true;
    const map = cache.current;
    const cancel = afterNextPaint(() => {
      client.invoke('evaluations.itemScores', { itemId }).then(
        (list) => map.set(itemId, { scores: list[0] ?? null }),
        (error: unknown) => {
          const { message, hint } = describeError(error);
          map.set(itemId, { error: hint ? `${message} ${hint}` : message });
        },
      ).finally(() => {
        if (live) setVersion((value) => value + 1);
      });
    });
    return () => {
      live = false;
      cancel();
    };
  }, [client, enabled, itemId, generation]);

  if (!enabled || itemId === null) return { status: 'off' };
  const cached = cache.current.get(itemId);
  if (!cached) return { status: 'loading' };
  return 'error' in cached ? { status: 'error', message: cached.error } : { status: 'ready', scores: cached.scores };
}
