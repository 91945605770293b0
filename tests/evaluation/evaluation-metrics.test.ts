/**
 * The metric maths on examples small enough to compute by hand.
 */
import { describe, expect, it } from 'vitest';
import { configDiff } from '../../app/evaluation/config-diff';
import { hasPreference, itemOutcome, MetricsAccumulator } from '../../app/evaluation/evaluation-metrics';

const NO_EXTRA = { truncatedResponses: 0, droppedItems: 0, seconds: 0 };

describe('evaluation metrics', () => {
  it('match a two-pair example computed by hand', () => {
    // Item 1: scores [2, 1], human ranking [0, 1] (first is better).
    //   d = s_chosen − s_rejected = 2 − 1 = 1 > 0: the pair is ordered right, the top response is the human's best.
    //   loss = −log σ(1) = log(1 + e^−1) = 0.3132616875
    //   confidence = σ(|1|) = 0.7310585786 → bin 4, [0.70, 0.75); margin = 2 − 1 = 1
    // Item 2: scores [0.5, 1.0], human ranking [0, 1].
    //   d = 0.5 − 1.0 = −0.5: wrong; loss = −log σ(−0.5) = log(1 + e^0.5) = 0.9740769842
    //   confidence = σ(0.5) = 0.6224593312 → bin 2, [0.60, 0.65); margin = 0.5 − 1.0 = −0.5
    // accuracy = 1/2, pairwise accuracy = 1/2, mean margin = (1 − 0.5)/2 = 0.25
    // loss = (0.3132616875 + 0.9740769842)/2 = 0.6436693359
    // ECE = ½·|1 − 0.7310585786| + ½·|0 − 0.6224593312| = 0.1344707107 + 0.3112296656 = 0.4457003763
    const metrics = new MetricsAccumulator();
    metrics.add([2, 1], [0, 1]);
    metrics.add([0.5, 1.0], [0, 1]);
    const result = metrics.result(NO_EXTRA);
    expect(result.items).toBe(2);
    expect(result.pairs).toBe(2);
    expect(result.accuracy).toBe(0.5);
    expect(result.pairwiseAccuracy).toBe(0.5);
    expect(result.meanMargin).toBeCloseTo(0.25, 12);
    expect(result.loss).toBeCloseTo(0.6436693359, 9);
    expect(result.ece).toBeCloseTo(0.4457003763, 9);
    expect(result.calibration).toHaveLength(10);
    expect(result.calibration[4]).toMatchObject({ pairs: 1, accuracy: 1 });
    expect(result.calibration[4]?.confidence).toBeCloseTo(0.7310585786, 9);
    expect(result.calibration[4]?.lower).toBeCloseTo(0.7, 12);
    expect(result.calibration[4]?.upper).toBeCloseTo(0.75, 12);
    expect(result.calibration[2]).toMatchObject({ pairs: 1, accuracy: 0 });
    expect(result.calibration[2]?.confidence).toBeCloseTo(0.6224593312, 9);
    const empty = result.calibration.filter((_, index) => index !== 2 && index !== 4);
    expect(empty.every((bin) => bin.pairs === 0 && bin.confidence === 0 && bin.accuracy === 0)).toBe(true);
  });

  it('counts only items with a preference, skips tied pairs, and handles ranks with ties', () => {
    const metrics = new MetricsAccumulator();
    // Unlabeled and all-tied: scored, never measured.
    expect(metrics.add([1, 3], null)).toEqual({ topIdx: 1, topGap: 2, correct: null, margin: null });
    expect(metrics.add([1, 3, 2], [1, 1, 1])).toEqual({ topIdx: 1, topGap: 1, correct: null, margin: null });
    // Ranking [0, 0, 1]: two best responses tied. Pairs (0,2) and (1,2) only; the (0,1) tie is skipped.
    // Top score is response 1 (rank 0) → correct; margin = max(4, 5) − 1 = 4.
    const outcome = metrics.add([4, 5, 1], [0, 0, 1]);
    expect(outcome).toEqual({ topIdx: 1, topGap: 1, correct: true, margin: 4 });
    const result = metrics.result({ truncatedResponses: 2, droppedItems: 1, seconds: 3.5 });
    expect(result).toMatchObject({ items: 1, pairs: 2, scoredItems: 3, accuracy: 1, pairwiseAccuracy: 1, meanMargin: 4, truncatedResponses: 2, droppedItems: 1, seconds: 3.5 });
    // d = 3 and 4: loss = (log(1+e^−3) + log(1+e^−4))/2
    expect(result.loss).toBeCloseTo((Math.log1p(Math.exp(-3)) + Math.log1p(Math.exp(-4))) / 2, 12);
  });

  it('a tie in scores counts as wrong for the pair and confidence 0.5 lands in the first bin', () => {
    const metrics = new MetricsAccumulator();
    // Equal scores: the top is the first response (as the worker's max picks it) — the human's best here.
    expect(metrics.add([1, 1], [0, 1])).toEqual({ topIdx: 0, topGap: 0, correct: true, margin: 0 });
    const result = metrics.result(NO_EXTRA);
    expect(result.pairwiseAccuracy).toBe(0);
    expect(result.loss).toBeCloseTo(Math.log(2), 12);
    expect(result.calibration[0]).toMatchObject({ pairs: 1, confidence: 0.5, accuracy: 0 });
    expect(result.ece).toBeCloseTo(0.5, 12);
  });

  it('stays finite for large score differences and is all zeros with nothing labeled', () => {
    const metrics = new MetricsAccumulator();
    metrics.add([800, -800], [1, 0]);
    const result = metrics.result(NO_EXTRA);
    expect(result.loss).toBeCloseTo(1600, 6);
    expect(result.calibration[9]).toMatchObject({ pairs: 1, accuracy: 0 });
    const none = new MetricsAccumulator();
    none.add([1, 2], null);
    expect(none.result(NO_EXTRA)).toMatchObject({ items: 0, pairs: 0, accuracy: 0, loss: 0, ece: 0, meanMargin: 0, scoredItems: 1 });
  });

  it('hasPreference and itemOutcome with one response', () => {
    expect(hasPreference(null)).toBe(false);
    expect(hasPreference([0, 0])).toBe(false);
    expect(hasPreference([1, 0])).toBe(true);
    expect(itemOutcome([3], null)).toEqual({ topIdx: 0, topGap: 0, correct: null, margin: null });
  });
});

describe('config diff', () => {
  it('lists only the flattened keys whose values differ', () => {
    const a = { learning_rate: 1e-4, batch_size: 4, lora: { r: 8, alpha: 16 }, gpus: [0], name: 'a', only_a: true };
    const b = { learning_rate: 3e-4, batch_size: 4, lora: { r: 8, alpha: 32 }, gpus: [0], name: 'b', only_b: 1 };
    expect(configDiff(a, b)).toEqual([
      { key: 'learning_rate', a: 1e-4, b: 3e-4 },
      { key: 'lora.alpha', a: 16, b: 32 },
      { key: 'name', a: 'a', b: 'b' },
      { key: 'only_a', a: true, b: null },
      { key: 'only_b', a: null, b: 1 },
    ]);
    expect(configDiff(a, a)).toEqual([]);
  });
});
