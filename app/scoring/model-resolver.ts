/**
 * From "which model" (a ModelRef of the open project, or a folder given on the command line) to
 * what loads it: the folder, the engine that scores it, a label a person recognises, and a key
 * that says whether two requests mean the same loaded model.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../errors';
import type { RunManager } from '../runs/run-manager';
import type { ModelRef } from './types';

export interface ResolvedModel {
  /** Equal keys = the same loaded model (the scorer cache keeps one per key). */
  key: string;
  label: string;
  engine: 'python' | 'onnx';
  /** Checkpoint folder, run directory, merged export or ONNX export folder. */
  path: string;
}

/** The file that marks an ONNX export (helper files beside it: onnx_config.json, tokenizer.json). */
export const ONNX_MODEL_FILE = 'model.onnx';
/** What the studio writes beside an export's model files (app/scoring/model-exports.ts). */
export const EXPORT_META_FILE = 'studio_export.json';

export function exportsDir(projectDir: string): string {
  return path.join(projectDir, 'exports');
}

/** A ModelRef of the open project: a checkpoint from the checkpoints table, or a folder under exports/. */
export function resolveModelRef(runs: RunManager, projectDir: string, ref: ModelRef): ResolvedModel {
  if (ref.kind === 'checkpoint') {
    const checkpoint = runs.checkpoints().find((info) => info.id === ref.checkpointId);
    if (!checkpoint) {
      throw new StudioError('not_found', `Checkpoint ${ref.checkpointId} is not in this project.`, 'It may have been rotated away or its run deleted; pick another checkpoint.');
    }
    if (!existsSync(checkpoint.path)) {
      throw new StudioError('not_found', `The folder of checkpoint ${ref.checkpointId} is gone: ${checkpoint.path}`, 'Pick another checkpoint of the run.');
    }
    const run = runs.summary(checkpoint.runId);
    return { key: `checkpoint:${checkpoint.path}`, label: `${run.name} step ${checkpoint.step}`, engine: 'python', path: checkpoint.path };
  }
  const dir = path.join(exportsDir(projectDir), ref.exportId);
  if (!existsSync(dir)) {
    throw new StudioError('not_found', `The export ${ref.exportId} does not exist in ${exportsDir(projectDir)}.`, 'Export the checkpoint again, or pick another export.');
  }
  return { ...resolveModelFolder(dir), label: ref.exportId };
}

/**
 * A folder a person names on the command line: a checkpoint folder, a run directory (its best/),
 * a merged export, or an ONNX export (has model.onnx). Which one is checked here only as far as
 * choosing the engine; the engine itself reports a folder it cannot load.
 */
export function resolveModelFolder(folder: string): ResolvedModel {
  const dir = path.resolve(folder);
  if (!existsSync(dir)) {
    throw new StudioError('not_found', `${dir} does not exist.`, 'Pass a checkpoint folder (checkpoints/step-N or best/), a run directory, or an export folder.');
  }
  if (existsSync(path.join(dir, ONNX_MODEL_FILE))) {
    return { key: `onnx:${dir}`, label: path.basename(dir), engine: 'onnx', path: dir };
  }
  const isCheckpoint = existsSync(path.join(dir, 'reward_config.json'));
  const isRun = !isCheckpoint && existsSync(path.join(dir, 'best', 'reward_config.json'));
  const isCheckpoints = !isCheckpoint && !isRun && existsSync(path.join(dir, 'checkpoints'));
  if (!isCheckpoint && !isRun && !isCheckpoints) {
    throw new StudioError(
      'bad_file',
      `${dir} is not a reward model: it has no reward_config.json, no best/ and no model.onnx.`,
      'Pass a checkpoint folder (checkpoints/step-N or best/), a run directory, or an export folder.',
    );
  }
  const label = isRun ? `${path.basename(dir)} best` : labelOfCheckpoint(dir);
  return { key: `checkpoint:${dir}`, label, engine: 'python', path: dir };
}

function labelOfCheckpoint(dir: string): string {
  const name = path.basename(dir);
  if (name === 'best') return `${path.basename(path.dirname(dir))} best`;
  if (name.startsWith('step-')) return `${path.basename(path.dirname(path.dirname(dir)))} ${name}`;
  return name;
}
