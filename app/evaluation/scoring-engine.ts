/**
 * The pluggable step of an evaluation: given the frozen data.jsonl, write results.jsonl (one line
 * per scored item: `{"id", "scores": [...]}` in response order, as the worker's `score` writes it)
 * and report progress. Everything before (freezing) and after (storing scores, metrics) is the
 * evaluation manager's and the same for every engine.
 */
import type { Problem } from '../errors';

export interface ScoringJob {
  evaluationId: number;
  /** `<project>/evaluations/<id>/`: the engine may write logs here. */
  dir: string;
  dataFile: string;
  resultsFile: string;
  checkpointId: number;
  checkpointPath: string;
  /** The training run's config.json: scoring truncates with the run's max_length. */
  runConfig: Record<string, unknown>;
  /** Items in data.jsonl. */
  total: number;
}

/** What the scorer left out or shortened (the worker's data_report). */
export interface ScoringReport {
  truncatedResponses: number;
  droppedItems: number;
  /** ONNX: images were resized to the export's grid away from the checkpoint's resolution (image-resize-notice.ts). */
  imageNotice?: string | null;
}

export interface RunningScoring {
  /** The worker's pid when a process does the scoring. */
  readonly pid: number | null;
  /** Resolves once results.jsonl is complete; rejects with a ScoringFailure. */
  readonly finished: Promise<ScoringReport>;
  /** Asks the scoring to stop; `finished` then rejects with `cancelled` set. */
  cancel(): void;
}

export interface ScoringEngineRunner {
  /** Why this engine cannot score with the checkpoint (checked when an evaluation is asked for), or null. */
  unavailable?(checkpointId: number): Problem | null;
  start(job: ScoringJob, onProgress: (done: number, total: number) => void): Promise<RunningScoring>;
}

/** Why scoring ended without results, in words for a person. */
export class ScoringFailure extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly cancelled = false,
  ) {
    super(message);
    this.name = 'ScoringFailure';
  }
}
