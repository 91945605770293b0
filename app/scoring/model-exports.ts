/**
 * Exported models of a project: `<project>/exports/<run>_step-<N>_<format>/`, each a standalone
 * Hugging Face folder (LoRA merged, `python -m reward_studio export`) or an ONNX export
 * (`export-onnx`), with `studio_export.json` beside the model files saying where it came from.
 *
 * The worker writes into a hidden `.<id>.partial` folder that is renamed into place only after it
 * succeeded and verified the export, so a list never shows a half-written model.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../errors';
import type { EventBus } from '../rpc/event-bus';
import { runCommand, type PythonCommandResult } from '../environment/python-command';
import { WORKERS_DIR } from '../environment/python-interpreter';
import type { RunManager } from '../runs/run-manager';
import { EXPORT_META_FILE, exportsDir } from './model-resolver';
import type Database from 'better-sqlite3';
import { mediaRelPath } from '../media/media-store';
import { imagesOfCommonSizes } from '../store/item-queries';
import type { ModelExport, ModelExportFormat, ModelExportProgress, VerifyResolution } from './types';

/** What studio_export.json holds (ModelExport without what the folder itself tells). */
type ExportMeta = Omit<ModelExport, 'id' | 'path' | 'sizeBytes' | 'loadsWith'>;

/**
 * Largest reward difference between an export and its checkpoint on the worker's probe batch that
 * still counts as the same model. Float reordering (merged LoRA, onnxruntime kernels) stays near
 * 1e-5 on rewards in [score_min, score_max]; a hundredth means the export computes something else.
 */
export const EXPORT_VERIFY_TOLERANCE = 1e-2;

/** Merging or tracing a 7B model on CPU takes a long time; this only stops a hung worker. */
const EXPORT_TIMEOUT_MS = 3 * 60 * 60_000;

export interface ExportDeps {
  projectDir: string;
  runs: RunManager;
  python: string;
  events: EventBus;
  /**
   * ONNX: real images of the project (a few, of different sizes) the worker also checks the export on,
   * each at its own size (projectVerifyImages); the measured difference per size goes into the metadata.
   */
  verifyImages?: string[];
}

/** Most images the export is checked on: one per size, the project's most common sizes first. */
export const VERIFY_IMAGE_SIZES = 3;

/** Paths of up to VERIFY_IMAGE_SIZES images of the project, one per distinct width × height, most common sizes first. */
export function projectVerifyImages(db: Database.Database, projectDir: string, limit = VERIFY_IMAGE_SIZES): string[] {
  const paths: string[] = [];
  for (const image of imagesOfCommonSizes(db, limit)) {
    const file = path.join(projectDir, mediaRelPath(image.sha256, image.ext));
    if (existsSync(file)) paths.push(file);
  }
  return paths;
}

/** The worker's verify_resolutions, checked field by field (anything malformed is left out). */
function verifyResolutions(raw: unknown): VerifyResolution[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  return raw.flatMap((entry): VerifyResolution[] => {
    const e = entry as Record<string, unknown>;
    const n = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
    if (!n(e.width) || !n(e.height) || !n(e.max_abs_diff ?? e.maxAbsDiff)) return [];
    return [{
      width: e.width as number,
      height: e.height as number,
      images: n(e.images) ? (e.images as number) : 1,
      maxAbsDiff: (e.max_abs_diff ?? e.maxAbsDiff) as number,
      resized: e.resized === true,
    }];
  });
}

export function listExports(projectDir: string): ModelExport[] {
  const root = exportsDir(projectDir);
  if (!existsSync(root)) return [];
  const found: ModelExport[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const exported = readExport(root, entry.name);
    if (exported) found.push(exported);
  }
  return found.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
}

/** Runs the worker's export for one checkpoint; progress goes out as models.onExportProgress. */
export async function createExport(deps: ExportDeps, checkpointId: number, format: ModelExportFormat): Promise<ModelExport> {
  const checkpoint = deps.runs.checkpoints().find((info) => info.id === checkpointId);
  if (!checkpoint) throw new StudioError('not_found', `Checkpoint ${checkpointId} is not in this project.`, 'Pick a checkpoint from the run list.');
  const run = deps.runs.summary(checkpoint.runId);
  const id = `${run.name}_step-${checkpoint.step}_${format}`.replace(/[^\w.-]+/g, '_');
  const root = exportsDir(deps.projectDir);
  const target = path.join(root, id);
  if (existsSync(target)) {
    throw new StudioError('already_exists', `${run.name} step ${checkpoint.step} is already exported as ${format}: ${target}`, 'Use that export, or delete it first to export again.');
  }
  const partial = path.join(root, `.${id}.partial`);
  const cleanUp = () => {
    for (const dir of [partial, `${partial}.tmp`]) rmSync(dir, { recursive: true, force: true });
  };
  cleanUp();
  const progress = (phase: ModelExportProgress['phase'], message: string) => deps.events.emit('models.onExportProgress', { checkpointId, format, phase, message });
  progress('loading', format === 'merged'
    ? `Loading ${run.name} step ${checkpoint.step}, merging LoRA into the base weights, then reloading the export to verify it`
    : `Loading ${run.name} step ${checkpoint.step}, tracing it to ONNX, then checking onnxruntime against PyTorch`);

  const args = format === 'merged'
    ? ['-m', 'reward_studio', 'export', '--checkpoint', checkpoint.path, '--merge-lora', partial]
    : ['-m', 'reward_studio', 'export-onnx', '--checkpoint', checkpoint.path, '--out', partial,
      ...(deps.verifyImages ?? []).flatMap((file) => ['--verify-image', file])];
  let result: PythonCommandResult;
  try {
    result = await runCommand(deps.python, args, { cwd: WORKERS_DIR, timeoutMs: EXPORT_TIMEOUT_MS });
  } catch (error) {
    cleanUp();
    progress('failed', (error as Error).message);
    throw error;
  }
  let output: WorkerResult;
  try {
    output = readWorkerResult(result, deps.python, `${run.name} step ${checkpoint.step}`);
    checkVerification(output.verify_max_abs_diff, format, `${run.name} step ${checkpoint.step}`);
    const meta: ExportMeta = {
      format,
      checkpointId,
      runName: run.name,
      step: checkpoint.step,
      createdAt: new Date().toISOString(),
      verifyMaxAbsDiff: typeof output.verify_max_abs_diff === 'number' ? output.verify_max_abs_diff : null,
      note: typeof output.note === 'string' ? output.note : null,
    };
    const resolutions = verifyResolutions(output.verify_resolutions);
    if (resolutions) meta.verifyResolutions = resolutions;
    writeFileSync(path.join(partial, EXPORT_META_FILE), `${JSON.stringify(meta, null, 2)}\n`);
    renameSync(partial, target);
  } catch (error) {
    cleanUp();
    progress('failed', error instanceof Error ? error.message : String(error));
    throw error;
  }
  const exported = readExport(root, id) as ModelExport;
  const diff = exported.verifyMaxAbsDiff === null ? '' : ` (reloaded scores differ by at most ${exported.verifyMaxAbsDiff.toExponential(1)})`;
  progress('done', `Exported to ${target}${diff}`);
  return exported;
}

/** An export whose reloaded scores differ from the checkpoint's is refused, not listed as if it were the model. */
export function checkVerification(maxAbsDiff: number | undefined, format: ModelExportFormat, what: string): void {
  if (maxAbsDiff === undefined || maxAbsDiff <= EXPORT_VERIFY_TOLERANCE) return;
  const engine = format === 'onnx' ? 'onnxruntime' : 'the reloaded merged model';
  throw new StudioError(
    'internal',
    `The ${format} export of ${what} does not reproduce the checkpoint: ${engine} scores differ by up to ${maxAbsDiff.toPrecision(3)} (allowed ${EXPORT_VERIFY_TOLERANCE}).`,
    format === 'onnx'
      ? 'Score this checkpoint with the Python worker or export it merged instead, and report the model type so ONNX support can be fixed.'
      : 'Export again; if it persists, the checkpoint and its base model may not match (check base_model_name in its reward_config.json).',
  );
}

export function deleteExport(projectDir: string, id: string): number {
  const target = path.join(exportsDir(projectDir), id);
  if (!existsSync(path.join(target, EXPORT_META_FILE))) {
    throw new StudioError('not_found', `There is no export ${id} in ${exportsDir(projectDir)}.`, 'Refresh the list of exports.');
  }
  rmSync(target, { recursive: true, force: true });
  return 1;
}

function readExport(root: string, id: string): ModelExport | null {
  const dir = path.join(root, id);
  let meta: ExportMeta;
  try {
    meta = JSON.parse(readFileSync(path.join(dir, EXPORT_META_FILE), 'utf8')) as ExportMeta;
  } catch {
    return null; // not written by the studio (or damaged): not listed, never deleted by it
  }
  return {
    id,
    format: meta.format === 'onnx' ? 'onnx' : 'merged',
    path: dir,
    checkpointId: meta.checkpointId ?? null,
    runName: String(meta.runName ?? ''),
    step: Number(meta.step ?? 0),
    createdAt: String(meta.createdAt ?? ''),
    sizeBytes: folderSize(dir),
    verifyMaxAbsDiff: typeof meta.verifyMaxAbsDiff === 'number' ? meta.verifyMaxAbsDiff : null,
    note: typeof meta.note === 'string' ? meta.note : null,
    ...(verifyResolutions(meta.verifyResolutions) ? { verifyResolutions: verifyResolutions(meta.verifyResolutions) } : {}),
    loadsWith: meta.format === 'onnx' ? null : loadsWith(dir),
  };
}

/** How transformers loads a merged export, from what the worker wrote into its reward_config.json. */
function loadsWith(dir: string): string | null {
  try {
    const config = JSON.parse(readFileSync(path.join(dir, 'reward_config.json'), 'utf8')) as { hf_class?: unknown; trust_remote_code?: unknown };
    if (typeof config.hf_class !== 'string') return null;
    return config.trust_remote_code === true ? 'AutoModelForSequenceClassification, trust_remote_code=True' : 'AutoModelForSequenceClassification';
  } catch {
    return null;
  }
}

function folderSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += folderSize(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}

/** The worker's last stdout line on success; its JSON error line (message + hint) on failure. */
type WorkerResult = { verify_max_abs_diff?: number; note?: string; verify_resolutions?: unknown };

function readWorkerResult(result: PythonCommandResult, python: string, what: string): WorkerResult {
  if (result.spawnError) {
    throw new StudioError('not_found', `Could not start ${python}: ${result.spawnError.message}`, 'Set up the training environment (Settings → Training environment, or `npm run setup:worker`).');
  }
  if (result.timedOut) throw new StudioError('internal', `Exporting ${what} took longer than ${EXPORT_TIMEOUT_MS / 3_600_000} hours and was stopped.`, 'Export on a machine with a GPU or more memory.');
  if (result.code !== 0) {
    const errorLine = result.stderr.trim().split('\n').reverse().find((line) => line.startsWith('{"event": "error"'));
    if (errorLine) {
      const event = JSON.parse(errorLine) as { message?: string; hint?: string };
      throw new StudioError('bad_file', `Exporting ${what} failed: ${event.message ?? 'unknown error'}`, event.hint || undefined);
    }
    const tail = result.stderr.trim().split('\n').slice(-6).join('\n');
    throw new StudioError('internal', `Exporting ${what} failed (exit code ${result.code}):\n${tail}`, 'See the message above; the export folder was removed.');
  }
  const last = result.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as WorkerResult;
  } catch {
    throw new StudioError('internal', `The export worker for ${what} printed no result line.`, 'This is a bug in Reward Studio.');
  }
}
