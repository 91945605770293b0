/**
 * The evaluation domain's results: scoring a split with a checkpoint, the metrics derived from the
 * stored scores, and two evaluations compared item by item. Plain JSON — they cross the contract.
 *
 * Every metric is computed by the studio from the per-response scores stored in project.sqlite
 * (app/evaluation/evaluation-metrics.ts), never taken from the scorer, so an evaluation scored by
 * the Python worker and one scored by onnxruntime-node are measured by the same code.
 */
import type { Problem } from '../errors';
import type { Split } from '../store/types';

export type EvaluationStatus = 'queued' | 'running' | 'finished' | 'failed' | 'cancelled';

/**
 * What is scored: one split's items, or `unjudged` (every item nobody has judged — what the
 * model-in-the-loop queue order needs). Metrics count only items with a human ranking.
 */
export type EvaluationScope = Split | 'unjudged';

/** Which engine scored: the Python worker (GPU when there is one) or onnxruntime-node on an ONNX export. */
export type ScoringEngine = 'python' | 'onnx';

/**
 * One reliability-diagram bin. Confidence is σ(|s_a − s_b|) for each human-ordered pair (ties
 * skipped): the model's probability for the response it prefers. Bins split [0.5, 1] evenly.
 */
export interface CalibrationBin {
  lower: number;
  upper: number;
  pairs: number;
  /** Mean confidence of the pairs in the bin (NaN-free: 0 when empty). */
  confidence: number;
  /** Share of those pairs where the preferred response is the human's preferred one. */
  accuracy: number;
}

export interface EvaluationMetrics {
  /** Items with a human ranking that were scored. */
  items: number;
  /** Ordered human pairs (ties skipped) across those items. */
  pairs: number;
  /** Items whose top-scored response is one the human ranked best. */
  accuracy: number;
  /** Pairs ordered like the human ordered them. */
  pairwiseAccuracy: number;
  /** Mean over items of score(human best) − max score of the others. */
  meanMargin: number;
  /** Mean Bradley-Terry loss over pairs: −log σ(s_chosen − s_rejected). */
  loss: number;
  /** Expected calibration error over the bins: Σ (pairs_b / pairs) · |accuracy_b − confidence_b|. */
  ece: number;
  calibration: CalibrationBin[];
  /** Items scored in total (labeled or not). */
  scoredItems: number;
  /** What the scorer truncated or dropped for length (the worker's data_report). */
  truncatedResponses: number;
  droppedItems: number;
  seconds: number;
  /**
   * ONNX evaluations only: which images were resized to the export's fixed grid away from the
   * checkpoint's resolution, so their scores differ from the checkpoint's. Absent when none was.
   */
  imageNotice?: string;
}

export interface EvaluationSummary {
  id: number;
  checkpointId: number;
  runId: number;
  runName: string;
  step: number;
  scope: EvaluationScope;
  engine: ScoringEngine;
  status: EvaluationStatus;
  createdAt: string;
  finishedAt: string | null;
  progress: { done: number; total: number };
  metrics: EvaluationMetrics | null;
  error: Problem | null;
}

/** Per item, per evaluation: the stored scores and what follows from them and the human ranking. */
export interface ItemScores {
  evaluationId: number;
  checkpointId: number;
  runName: string;
  step: number;
  /** One score per response, in the item's original response order. */
  scores: number[];
  /** Null when the item has no human ranking. */
  correct: boolean | null;
  /** score(human best) − max(other scores); null without a human ranking. */
  margin: number | null;
  /** Gap between the two highest scores: the model's own certainty, for "most uncertain first". */
  topGap: number;
}

/** How the annotators' judgments of an item relate; `adjudicated` wins over the rest. */
export type AgreementKind = 'none' | 'single' | 'agree' | 'disagree' | 'adjudicated';

/**
 * The compare table's filters. `a-only`: A right and B wrong; `b-only`: B right and A wrong;
 * `disagree`: the two checkpoints put different responses on top (right or wrong).
 */
export type CompareFilter = 'all' | 'a-only' | 'b-only' | 'both-wrong' | 'both-right' | 'disagree';

export interface CompareItemRow {
  itemId: string;
  split: Split;
  query: string;
  responses: number;
  humanRanking: number[] | null;
  agreement: AgreementKind;
  scoresA: number[];
  scoresB: number[];
  correctA: boolean;
  correctB: boolean;
  marginA: number;
  marginB: number;
}

export interface ConfigDifference {
  key: string;
  a: unknown;
  b: unknown;
}

/** Everything the Compare view draws besides the item table (which pages through `evaluations.compareItems`). */
export interface EvaluationComparison {
  a: EvaluationSummary;
  b: EvaluationSummary;
  /** Metric name → B − A for every numeric metric both have. */
  difference: Record<string, number>;
  /** Training config keys whose values differ between the two runs (same run: empty). */
  configDiff: ConfigDifference[];
  /** Items labeled and scored by both, as parallel arrays (compact for 100k points). */
  scatter: { itemIds: string[]; marginA: number[]; marginB: number[]; correctA: boolean[]; correctB: boolean[] };
  /** Counts per filter over the labeled items both scored. */
  counts: Record<CompareFilter, number>;
}

export interface CompareItemPage {
  total: number;
  rows: CompareItemRow[];
}
