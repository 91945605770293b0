/**
 * A run directory is everything needed to rerun a training: the frozen data snapshot (seed-format
 * JSONL with absolute image paths, so the folder works from any working directory and from a
 * shell) and config.json. Made once, before the worker starts; the worker owns it afterwards.
 */
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import path from 'node:path';
import { seedLine } from '../dataset/export-rows';
import { StudioError } from '../errors';
import { mediaRelPath } from '../media/media-store';
import { RUNS_DIR } from '../store/project-layout';
import type { ProjectStore } from '../store/project-store';
import type { Split } from '../store/types';
import { emptyCounts, forEachTrainable, type SplitCounts } from './snapshot-items';

export const TRAIN_FILE = 'data/train.jsonl';
export const VAL_FILE = 'data/val.jsonl';
export const CONFIG_FILE = 'config.json';
export const METRICS_FILE = 'metrics.sqlite';
export const WORKER_LOG = 'worker.log';
/**
 * The worker's stdout and stderr. Not worker.log: the worker's own log handler writes there and
 * also to stderr, so appending stderr to worker.log would put every line in it twice.
 */
export const CONSOLE_LOG = 'console.log';

/** `<name>_<YYYYmmdd-HHMMSS>` in local time, as the worker names runs started from a shell. */
export function runFolderName(name: string, at: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}`;
  return `${name}_${stamp}`;
}

/** A new, empty run directory under `<project>/runs/` (suffix -2, -3… when two starts share a second). */
export async function createRunDirectory(projectDir: string, name: string, at: Date = new Date()): Promise<string> {
  const base = path.join(projectDir, RUNS_DIR, runFolderName(name, at));
  let dir = base;
  for (let n = 2; existsSync(dir); n++) dir = `${base}-${n}`;
  await mkdir(path.join(dir, 'data'), { recursive: true });
  return dir;
}

export interface SnapshotReport {
  train: SplitCounts;
  val: SplitCounts;
  /** Run-relative paths written; val is null when the chosen val splits hold no trainable item. */
  trainFile: string;
  valFile: string | null;
}

/** Writes data/train.jsonl and data/val.jsonl (seed format, absolute image paths). */
export async function writeSnapshot(store: ProjectStore, runDir: string, splits: { train: Split[]; val: Split[] }): Promise<SnapshotReport> {
  const overlap = splits.train.filter((split) => splits.val.includes(split));
  if (overlap.length > 0) {
    throw new StudioError(
      'invalid_input',
      `the ${overlap.join(', ')} split is chosen for both training and validation`,
      'Validate on a split the model does not train on (usually val).',
    );
  }
  const train = await writeSplitFile(store, path.join(runDir, TRAIN_FILE), splits.train);
  if (train.items === 0) {
    throw new StudioError(
      'invalid_input',
      `the ${splits.train.join(' + ')} split${splits.train.length > 1 ? 's have' : ' has'} no labeled items to train on` +
        (train.skippedAllTied > 0 ? ` (${train.skippedAllTied} items rank every response equal)` : ''),
      'Label some items in Annotate (or import labeled data), or choose another split.',
    );
  }
  const val = splits.val.length > 0 ? await writeSplitFile(store, path.join(runDir, VAL_FILE), splits.val) : emptyCounts();
  if (val.items === 0) await rm(path.join(runDir, VAL_FILE), { force: true });
  return { train, val, trainFile: TRAIN_FILE, valFile: val.items > 0 ? VAL_FILE : null };
}

async function writeSplitFile(store: ProjectStore, file: string, splits: Split[]): Promise<SplitCounts> {
  const counts = emptyCounts();
  const temp = `${file}.tmp`;
  const stream = createWriteStream(temp, { encoding: 'utf8' });
  try {
    await forEachTrainable(store, splits, counts, async (item) => {
      const images = item.images.map((image) => path.join(store.dir, mediaRelPath(image.sha256, image.ext)));
      await write(stream, `${JSON.stringify(seedLine(item, images))}\n`);
    });
    stream.end();
    await finished(stream);
    await rename(temp, file);
  } catch (error) {
    stream.destroy();
    await rm(temp, { force: true });
    throw error;
  }
  return counts;
}

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/** config.json as the worker reads it: a flat object of its fields (secrets never written). */
export async function writeRunConfig(runDir: string, config: Record<string, unknown>): Promise<void> {
  await writeFile(path.join(runDir, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
}

/** Removes a run folder — only ever one under `<project>/runs/`: a damaged row must not delete anything else. */
export async function removeRunDirectory(projectDir: string, dir: string): Promise<void> {
  const runsDir = path.join(projectDir, RUNS_DIR) + path.sep;
  const resolved = path.resolve(dir);
  if (!resolved.startsWith(runsDir)) {
    throw new StudioError('forbidden', `the run folder ${resolved} is outside ${runsDir}`, 'Delete that folder by hand if you want it gone; the run was not deleted.');
  }
  await rm(resolved, { recursive: true, force: true });
}
