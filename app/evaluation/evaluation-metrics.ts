/**
 * The evaluation metrics, computed from stored per-response scores and the human rankings frozen
 * with the evaluation's data. Pure functions: whichever engine scored (the Python worker or
 * onnxruntime-node), the numbers come from here. Definitions: app/evaluation/README.md.
 */
import type { CalibrationBin, EvaluationMetrics } from './types';

/** What one item's scores say, with and without a human ranking. */
export interface ItemOutcome {
  /** Index of the highest score (the first one on a tie, as Python's max does). */
  topIdx: number;
  /** Highest score minus the second highest: how sure the model is (0 with one response). */
  topGap: number;
  /** Null when the ranking expresses no preference (none, or every response tied). */
  correct: boolean | null;
  margin: number | null;
}

export const CALIBRATION_BINS = 10;

/** True when the ranking orders at least one response above another. */
export function hasPreference(ranking: readonly number[] | null): ranking is readonly number[] {
  if (ranking === null || ranking.length < 2) return false;
  const first = ranking[0];
  return ranking.some((rank) => rank !== first);
}

export function itemOutcome(scores: readonly number[], ranking: readonly number[] | null): ItemOutcome {
  let topIdx = 0;
  for (let i = 1; i < scores.length; i++) if ((scores[i] as number) > (scores[topIdx] as number)) topIdx = i;
  let second = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < scores.length; i++) if (i !== topIdx && (scores[i] as number) > second) second = scores[i] as number;
  const topGap = Number.isFinite(second) ? (scores[topIdx] as number) - second : 0;
  if (!hasPreference(ranking)) return { topIdx, topGap, correct: null, margin: null };
  // Not Math.min(...ranking): a spread of an unbounded array can overflow the stack.
  const best = ranking.reduce((low, rank) => Math.min(low, rank), Number.POSITIVE_INFINITY);
  let bestScore = Number.NEGATIVE_INFINITY;
  let otherScore = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < scores.length; i++) {
    const score = scores[i] as number;
    if (ranking[i] === best) bestScore = Math.max(bestScore, score);
    else otherScore = Math.max(otherScore, score);
  }
  return { topIdx, topGap, correct: ranking[topIdx] === best, margin: bestScore - otherScore };
}

/** log(1 + e^x) without overflow: the Bradley-Terry loss of a pair is softplus(−(s_chosen − s_rejected)). */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/**
 * Folds items one at a time (the caller streams them from SQLite), so 100k items need no array of
 * objects. Only items with a preference count towards the metrics; every item counts as scored.
 */
export class MetricsAccumulator {
  private scored = 0;
  private items = 0;
  private correctItems = 0;
  private marginSum = 0;
  private pairs = 0;
  private correctPairs = 0;
  private lossSum = 0;
  private readonly binPairs = new Array<number>(CALIBRATION_BINS).fill(0);
  private readonly binConfidence = new Array<number>(CALIBRATION_BINS).fill(0);
  private readonly binCorrect = new Array<number>(CALIBRATION_BINS).fill(0);

  add(scores: readonly number[], ranking: readonly number[] | null): ItemOutcome {
    this.scored += 1;
    const outcome = itemOutcome(scores, ranking);
    if (outcome.correct === null || ranking === null) return outcome;
    this.items += 1;
    if (outcome.correct) this.correctItems += 1;
    this.marginSum += outcome.margin as number;
    for (let i = 0; i < ranking.length; i++) {
      for (let j = 0; j < ranking.length; j++) {
        if ((ranking[i] as number) >= (ranking[j] as number)) continue;
        // i is the human's chosen response, j the rejected one; ties never get here.
        const difference = (scores[i] as number) - (scores[j] as number);
        this.pairs += 1;
        const right = difference > 0;
        if (right) this.correctPairs += 1;
        this.lossSum += softplus(-difference);
        const confidence = sigmoid(Math.abs(difference));
        const bin = Math.min(CALIBRATION_BINS - 1, Math.max(0, Math.floor((confidence - 0.5) * 2 * CALIBRATION_BINS)));
        this.binPairs[bin] = (this.binPairs[bin] as number) + 1;
        this.binConfidence[bin] = (this.binConfidence[bin] as number) + confidence;
        if (right) this.binCorrect[bin] = (this.binCorrect[bin] as number) + 1;
      }
    }
    return outcome;
  }

  result(extra: { truncatedResponses: number; droppedItems: number; seconds: number; imageNotice?: string | null }): EvaluationMetrics {
    const calibration: CalibrationBin[] = this.binPairs.map((pairs, index) => ({
      lower: 0.5 + index / (2 * CALIBRATION_BINS),
      upper: 0.5 + (index + 1) / (2 * CALIBRATION_BINS),
      pairs,
      confidence: pairs === 0 ? 0 : (this.binConfidence[index] as number) / pairs,
      accuracy: pairs === 0 ? 0 : (this.binCorrect[index] as number) / pairs,
    }));
    const ece = this.pairs === 0 ? 0 : calibration.reduce((sum, bin) => sum + (bin.pairs / this.pairs) * Math.abs(bin.accuracy - bin.confidence), 0);
    return {
      items: this.items,
      pairs: this.pairs,
      accuracy: this.items === 0 ? 0 : this.correctItems / this.items,
      pairwiseAccuracy: this.pairs === 0 ? 0 : this.correctPairs / this.pairs,
      meanMargin: this.items === 0 ? 0 : this.marginSum / this.items,
      loss: this.pairs === 0 ? 0 : this.lossSum / this.pairs,
      ece,
      calibration,
      scoredItems: this.scored,
      truncatedResponses: extra.truncatedResponses,
      droppedItems: extra.droppedItems,
      seconds: extra.seconds,
      ...(extra.imageNotice ? { imageNotice: extra.imageNotice } : {}),
    };
  }
}
