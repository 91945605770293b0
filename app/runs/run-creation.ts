/**
 * Making a run: the Train form's values checked against the worker's own option list, the base
 * model resolved, the data frozen into a new run folder with its config.json, and the run recorded
 * as queued with its planned steps. Nothing is left behind when any of it fails.
 */
import type { ProjectStore } from '../store/project-store';
import type { Split } from '../store/types';
import { resolveBaseModel } from './base-model';
import { createRunDirectory, removeRunDirectory, writeRunConfig, writeSnapshot } from './run-directory';
import { planSteps } from './run-estimate';
import type { RunRecords } from './run-records';
import { describeConfig, STUDIO_OWNED_FIELDS, validateConfig } from './worker-config-schema';

export interface StartRunRequest {
  name: string;
  presetId?: string;
  config: Record<string, unknown>;
  splits: { train: Split[]; val: Split[] };
  gpus: number[];
}

export interface CreatedRun {
  id: number;
  /** Secret options (W&B key): for the worker's environment only, never written. */
  secrets: Record<string, string>;
}

export async function createRun(
  store: ProjectStore,
  records: RunRecords,
  request: StartRunRequest & { python: string; tinyModelDir?: string },
): Promise<CreatedRun> {
  const fields = await describeConfig(request.python);
  const form: Record<string, unknown> = {};
  // The studio decides where the data is and what the run is called.
  for (const [key, value] of Object.entries(request.config)) if (!STUDIO_OWNED_FIELDS.has(key)) form[key] = value;
  const { config, secrets } = validateConfig(fields, form);
  config.base_model_name = await resolveBaseModel(request.python, config.base_model_name, request.tinyModelDir);

  const dir = await createRunDirectory(store.dir, request.name);
  try {
    const snapshot = await writeSnapshot(store, dir, request.splits);
    config.train_data_path = snapshot.trainFile;
    config.val_data_path = snapshot.valFile ?? '';
    config.experiment_name = request.name;
    await writeRunConfig(dir, config);
    const plan = planSteps(snapshot.train.items, config, Math.max(request.gpus.length, 1));
    const id = records.insert({
      name: request.name,
      dir,
      status: 'queued',
      config,
      presetId: request.presetId ?? null,
      baseModel: String(config.base_model_name),
      gpus: [...new Set(request.gpus)].sort((a, b) => a - b),
      splits: request.splits,
      trainItems: snapshot.train.items,
      valItems: snapshot.val.items,
      totalSteps: plan.totalSteps,
    });
    return { id, secrets };
  } catch (error) {
    await removeRunDirectory(store.dir, dir);
    throw error;
  }
}
