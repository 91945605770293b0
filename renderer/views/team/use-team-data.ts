/**
 * One team read (`team.members`, `team.progress`…), fetched when the panel mounts and again when
 * the events that concern it arrive, at most once per REFRESH_DELAY_MS. An answer that arrives
 * after a newer request was sent is dropped, so a slow old answer never replaces a fresh one.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { describeError } from '../../client/studio-client-error';
import { useStudioEvent } from '../../hooks/use-studio-event';
import { useProjectStore } from '../../state/project-store';
import { createTrailingThrottle, type TrailingThrottle } from './trailing-throttle';
import type { CommandInput, CommandResult, EventPayload } from '../../client/contract-types';

/** Judgments and team changes arrive in bursts while people annotate; refetch at most this often. */
export const REFRESH_DELAY_MS = 700;

/** The team commands that read and take no input. */
export type TeamReadCommand = 'team.me' | 'team.members' | 'team.plan' | 'team.guidelines' | 'team.guidelinesHistory' | 'team.gold' | 'team.progress';
export type TeamChange = EventPayload<'team.onChanged'>['what'];

export interface LoadError {
  message: string;
  hint: string | undefined;
}

export interface TeamData<K extends TeamReadCommand> {
  /** Undefined until the first answer (null is a real answer: no guidelines yet). */
  data: CommandResult<K> | undefined;
  error: LoadError | null;
  reload(): void;
  /** Takes an answer the view already has (what a save returned), dropping any read in flight. */
  replace(data: CommandResult<K>): void;
}

export interface RefreshOn {
  /** The `team.onChanged` kinds that concern this read. */
  team: readonly TeamChange[];
  /** Also on `judgments.onChanged` (progress figures). */
  judgments?: boolean;
}

export function useTeamData<K extends TeamReadCommand>(name: K, refreshOn: RefreshOn): TeamData<K> {
  const client = useStudioClient();
  // Another project opened: its team is another one.
  const projectDir = useProjectStore((state) => state.project?.dir ?? null);
  const [data, setData] = useState<CommandResult<K> | undefined>(undefined);
  const [error, setError] = useState<LoadError | null>(null);
  const generation = useRef(0);

  const load = useCallback(() => {
    const gen = ++generation.current;
    // Every TeamReadCommand takes `{}` (app/contract/team.ts).
    client.invoke(name, {} as CommandInput<K>).then(
      (result) => {
        if (gen !== generation.current) return;
        setData(result);
        setError(null);
      },
      (failure: unknown) => {
        if (gen !== generation.current) return;
        const { message, hint } = describeError(failure);
        setError({ message, hint });
      },
    );
    // projectDir: not an input, but the reason to read again.
  }, [client, name, projectDir]);

  const throttle = useRef<TrailingThrottle | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  throttle.current ??= createTrailingThrottle(() => loadRef.current(), REFRESH_DELAY_MS);

  useEffect(() => {
    load();
  }, [load]);

  useEffect(() => {
    // Shown again (another tab, the window restored): the figures may be old.
    function onVisible(): void {
      if (document.visibilityState === 'visible') throttle.current?.request();
    }
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      throttle.current?.cancel();
    };
  }, []);

  useStudioEvent('team.onChanged', (payload) => {
    if (refreshOn.team.includes(payload.what)) throttle.current?.request();
  });
  useStudioEvent('judgments.onChanged', () => {
    if (refreshOn.judgments) throttle.current?.request();
  });

  const replace = useCallback((next: CommandResult<K>) => {
    generation.current += 1;
    setData(next);
    setError(null);
  }, []);

  return { data, error, reload: load, replace };
}
