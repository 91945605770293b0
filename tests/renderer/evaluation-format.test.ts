import { describe, expect, it } from 'vitest';
import { upsertEvaluation } from '../../renderer/views/evaluate/evaluation-types';
import { differenceTone, formatDifference, formatScore, METRIC_ROWS } from '../../renderer/views/evaluate/metric-format';
import type { EvaluationSummary } from '../../renderer/client/contract-types';

const row = (key: string) => METRIC_ROWS.find((entry) => entry.key === key)!;

function summary(id: number, status: EvaluationSummary['status']): EvaluationSummary {
  return {
    id,
    checkpointId: 1,
    runId: 1,
    runName: 'run',
    step: 10,
    scope: 'val',
    engine: 'python',
    status,
    createdAt: '2026-01-01T00:00:00Z',
    finishedAt: null,
    progress: { done: 0, total: 10 },
    metrics: null,
    error: null,
  };
}

describe('evaluation metrics as read in the views', () => {
  it('colours B − A by the metric’s better direction', () => {
    expect(differenceTone(0.05, row('accuracy'))).toBe('better');
    expect(differenceTone(-0.05, row('accuracy'))).toBe('worse');
    expect(differenceTone(0.05, row('loss'))).toBe('worse');
    expect(differenceTone(-0.01, row('ece'))).toBe('better');
    expect(differenceTone(0, row('loss'))).toBe('same');
    expect(differenceTone(3, row('items'))).toBeNull();
    expect(differenceTone(null, row('accuracy'))).toBeNull();
  });

  it('writes differences with their sign and unit', () => {
    expect(formatDifference(-0.227, 'percent')).toBe('−22.7 pt');
    expect(formatDifference(0.0071, 'decimal')).toBe('+0.007');
    expect(formatDifference(0, 'count')).toBe('±0');
    expect(formatDifference(Number.NaN, 'decimal')).toBe('–');
  });

  it('never prints a negative zero score', () => {
    expect(formatScore(-0.0002)).toBe('0.000');
    expect(formatScore(-0.0123)).toBe('-0.012');
    expect(formatScore(Number.POSITIVE_INFINITY)).toBe('–');
  });

  it('keeps the list newest first and replaces an evaluation in place when it changes', () => {
    let list = [summary(2, 'finished'), summary(1, 'finished')];
    list = upsertEvaluation(list, summary(3, 'queued'));
    expect(list.map((entry) => entry.id)).toEqual([3, 2, 1]);
    list = upsertEvaluation(list, { ...summary(3, 'running'), progress: { done: 4, total: 10 } });
    expect(list.map((entry) => `${entry.id}:${entry.status}`)).toEqual(['3:running', '2:finished', '1:finished']);
    expect(list[0]!.progress.done).toBe(4);
  });
});
