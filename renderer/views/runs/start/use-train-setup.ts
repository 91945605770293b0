/**
 * What the Train form is built from: the worker's options, the presets and the training
 * environment, each loaded on its own so one failing (no .venv yet) does not blank the others.
 */
import { useCallback, useEffect, useState } from 'react';
import { useStudioClient } from '../../../client/client-context';
import { describeError } from '../../../client/studio-client-error';
import type { TrainConfigField, TrainingEnvironment, TrainingPreset } from '../../../client/contract-types';

export interface Loadable<T> {
  value: T | null;
  error: { message: string; hint: string | undefined } | null;
}

const empty = <T,>(): Loadable<T> => ({ value: null, error: null });

export interface TrainSetup {
  schema: Loadable<TrainConfigField[]>;
  presets: Loadable<TrainingPreset[]>;
  environment: Loadable<TrainingEnvironment>;
  /** Re-checks the environment (and, once it works, the schema the worker describes). */
  refresh(): void;
  setEnvironment(environment: TrainingEnvironment): void;
}

export function useTrainSetup(): TrainSetup {
  const client = useStudioClient();
  const [schema, setSchema] = useState<Loadable<TrainConfigField[]>>(empty);
  const [presets, setPresets] = useState<Loadable<TrainingPreset[]>>(empty);
  const [environment, setEnvironmentState] = useState<Loadable<TrainingEnvironment>>(empty);

  const loadSchema = useCallback(() => {
    client.invoke('runs.configSchema', {}).then(
      (value) => setSchema({ value, error: null }),
      (error: unknown) => setSchema({ value: null, error: describeError(error) }),
    );
  }, [client]);

  const loadEnvironment = useCallback(
    (refresh: boolean) => {
      setEnvironmentState((current) => ({ value: refresh ? null : current.value, error: null }));
      client.invoke('environment.training', { refresh }).then(
        (value) => setEnvironmentState({ value, error: null }),
        (error: unknown) => setEnvironmentState({ value: null, error: describeError(error) }),
      );
    },
    [client],
  );

  useEffect(() => {
    loadSchema();
    loadEnvironment(false);
    client.invoke('runs.presets', {}).then(
      (value) => setPresets({ value, error: null }),
      (error: unknown) => setPresets({ value: null, error: describeError(error) }),
    );
  }, [client, loadSchema, loadEnvironment]);

  const refresh = useCallback(() => {
    loadEnvironment(true);
    loadSchema();
  }, [loadEnvironment, loadSchema]);

  const setEnvironment = useCallback(
    (value: TrainingEnvironment) => {
      setEnvironmentState({ value, error: null });
      loadSchema();
    },
    [loadSchema],
  );

  return { schema, presets, environment, refresh, setEnvironment };
}
