/**
 * The model folder and what the studio says about it. A typed path is checked once typing
 * pauses; a picked one (Browse, the tiny model, a preset) is checked at once. Answers for a path
 * that is no longer the current one are dropped.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useStudioClient } from '../../../client/client-context';
import { describeError } from '../../../client/studio-client-error';
import { useDebounced } from '../../../hooks/use-debounced';
import type { ModelState } from './model-picker';
import type { ModelCheck } from '../../../client/contract-types';

export interface ModelChoice {
  path: string;
  state: ModelState;
  makingTiny: boolean;
  setPath(path: string): void;
  useTiny(): Promise<ModelCheck | null>;
}

export function useModelCheck(): ModelChoice {
  const client = useStudioClient();
  const [path, setPathState] = useState('');
  const [state, setState] = useState<ModelState>({ kind: 'empty' });
  const [makingTiny, setMakingTiny] = useState(false);
  const current = useRef('');
  const settledPath = useDebounced(path, 450);

  const check = useCallback(
    (target: string) => {
      if (target.trim() === '') {
        setState({ kind: 'empty' });
        return;
      }
      setState({ kind: 'checking' });
      client.invoke('environment.checkModel', { path: target }).then(
        (result) => {
          if (current.current === target) setState({ kind: 'checked', check: result });
        },
        (error: unknown) => {
          if (current.current === target) setState({ kind: 'error', ...describeError(error) });
        },
      );
    },
    [client],
  );

  const setPath = useCallback((next: string) => {
    current.current = next;
    setPathState(next);
    setState(next.trim() === '' ? { kind: 'empty' } : { kind: 'checking' });
  }, []);

  useEffect(() => {
    if (settledPath === current.current) check(settledPath);
  }, [settledPath, check]);

  const useTiny = useCallback(async (): Promise<ModelCheck | null> => {
    setMakingTiny(true);
    setState({ kind: 'checking' });
    try {
      const result = await client.invoke('environment.tinyModel', {});
      current.current = result.path;
      setPathState(result.path);
      setState({ kind: 'checked', check: result });
      return result;
    } catch (error) {
      setState({ kind: 'error', ...describeError(error) });
      return null;
    } finally {
      setMakingTiny(false);
    }
  }, [client]);

  return { path, state, makingTiny, setPath, useTiny };
}
