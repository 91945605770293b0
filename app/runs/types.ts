/**
 * The training domain's results and events: runs, checkpoints, metrics, the training
 * environment. Plain JSON — they cross the contract. The worker's own contract (run directory,
 * metrics.sqlite schema, config fields) is documented in workers/README.md.
 */
import type { Problem } from '../errors';
import type { Split } from '../store/types';

export type RunStatus = 'queued' | 'starting' | 'running' | 'finished' | 'stopped' | 'failed';

/** One field of the worker's TrainConfig, as `python -m reward_studio describe-config` prints it. */
export interface TrainConfigField {
  name: string;
  type: 'string' | 'number' | 'integer' | 'boolean' | 'string?' | 'number?' | 'integer?' | string;
  default: unknown;
  help: string;
  group: string;
  flag: string;
  secret: boolean;
  choices?: (string | number)[];
  unit?: string;
  min?: number;
  max?: number;
  /** A boolean that only makes sense with this other boolean on (load_in_8bit needs use_lora). */
  requires?: string;
}

export interface TrainingPreset {
  id: string;
  label: string;
  description: string;
  /** Values over the worker defaults. `base_model_name: "@tiny"` means the studio's tiny model. */
  config: Record<string, unknown>;
  /** What hardware it is meant for, shown beside the choice. */
  hardware: string;
}

export interface RunSummary {
  id: number;
  name: string;
  dir: string;
  status: RunStatus;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Latest training step and the planned total, from the worker's status row. */
  step: number;
  totalSteps: number | null;
  /** Seconds per step so far, for the ETA; null before two heartbeats. */
  etaSeconds: number | null;
  bestEvalAccuracy: number | null;
  lastLoss: number | null;
  baseModel: string;
  presetId: string | null;
  gpus: number[];
  pid: number | null;
  /** The worker's last error event (message + hint), when it failed. */
  error: Problem | null;
  checkpointCount: number;
}

export interface CheckpointInfo {
  id: number;
  runId: number;
  step: number;
  path: string;
  createdAt: string;
  isBest: boolean;
  metrics: Record<string, number>;
}

export interface RunDetail extends RunSummary {
  config: Record<string, unknown>;
  splits: { train: Split[]; val: Split[] };
  checkpoints: CheckpointInfo[];
  /** Pairs in the frozen snapshot and what the worker dropped/truncated (its data_report event). */
  data: { trainItems: number; valItems: number; report: Record<string, unknown> | null };
}

/** A batch of new scalar rows of one run, in rowid order (nothing dropped between batches). */
export interface MetricRow {
  id: number;
  step: number;
  tag: string;
  value: number;
  wallTime: number;
}

export interface MetricsBatch {
  runId: number;
  rows: MetricRow[];
  /** The last rowid included; the next batch starts after it. */
  lastId: number;
}

export interface GpuInfo {
  index: number;
  name: string;
  memoryTotalMb: number;
  memoryFreeMb: number;
}

export interface TrainingEnvironment {
  /** The interpreter the studio will use (the project's .venv, or the one chosen in settings). */
  python: { path: string; version: string } | null;
  packages: Record<'torch' | 'transformers' | 'peft' | 'accelerate' | 'reward_studio', string | null>;
  cudaAvailable: boolean;
  gpus: GpuInfo[];
  /** What is missing and what to do, in words; empty when training can start. */
  problems: string[];
  /** Worth knowing but not blocking (e.g. no GPU: training runs on the CPU). */
  notes: string[];
}

export interface ModelCheck {
  path: string;
  ok: boolean;
  /** e.g. qwen2_vl, qwen2_5_vl, qwen3_vl, qwen2 (text). */
  modelType: string | null;
  vision: boolean;
  hiddenSize: number | null;
  layers: number | null;
  isTinyTestModel: boolean;
  problems: string[];
}

export interface RunEstimate {
  trainItems: number;
  valItems: number;
  trainPairs: number;
  /** Labeled items left out because every response is tied (no pair to learn from). */
  trainAllTied: number;
  valAllTied: number;
  stepsPerEpoch: number;
  totalSteps: number;
  time: RunTimeEstimate;
}

/**
 * How long the run will take (app/runs/run-pace.ts): 'measured' from a finished run of this
 * project with the same base model and device count; 'unmeasured' when there is none yet.
 */
export interface RunTimeEstimate {
  basis: 'measured' | 'unmeasured';
  seconds: number | null;
  fromRun: { id: number; name: string; secondsPerStep: number; startupSeconds: number } | null;
}
