/** How evaluation metrics read in the Evaluate list and the Compare table, and which way is better. */
import type { EvaluationMetrics } from '../../client/contract-types';

export type MetricKey = 'accuracy' | 'pairwiseAccuracy' | 'meanMargin' | 'loss' | 'ece' | 'items' | 'pairs' | 'scoredItems' | 'seconds';

export interface MetricRow {
  key: MetricKey;
  label: string;
  title: string;
  format: 'percent' | 'decimal' | 'count' | 'seconds';
  /** Which direction of B − A is an improvement; null for counts. */
  better: 'higher' | 'lower' | null;
}

export const METRIC_ROWS: readonly MetricRow[] = [
  { key: 'accuracy', label: 'Accuracy', title: 'Items whose top-scored response is one the human ranked best', format: 'percent', better: 'higher' },
  { key: 'pairwiseAccuracy', label: 'Pairwise accuracy', title: 'Human-ordered pairs (ties skipped) the model ordered the same way', format: 'percent', better: 'higher' },
  { key: 'meanMargin', label: 'Mean margin', title: 'Mean over items of score(human best) − the highest other score', format: 'decimal', better: 'higher' },
  { key: 'loss', label: 'Loss', title: 'Mean Bradley-Terry loss over pairs, −log σ(s_chosen − s_rejected)', format: 'decimal', better: 'lower' },
  { key: 'ece', label: 'ECE', title: 'Expected calibration error of σ(margin) over the reliability bins', format: 'decimal', better: 'lower' },
  { key: 'items', label: 'Labeled items', title: 'Items with a human ranking that were scored', format: 'count', better: null },
  { key: 'pairs', label: 'Pairs', title: 'Ordered human pairs across those items', format: 'count', better: null },
  { key: 'scoredItems', label: 'Scored items', title: 'Every item scored, labeled or not', format: 'count', better: null },
  { key: 'seconds', label: 'Scoring time', title: 'Wall time of the scoring', format: 'seconds', better: null },
];

export function formatMetric(value: number | null | undefined, format: MetricRow['format']): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  switch (format) {
    case 'percent':
      return `${(value * 100).toFixed(1)}%`;
    case 'decimal':
      return value.toFixed(Math.abs(value) >= 100 ? 1 : 3);
    case 'count':
      return Math.round(value).toLocaleString();
    case 'seconds':
      return value >= 100 ? `${Math.round(value)} s` : `${value.toFixed(1)} s`;
  }
}

/** B − A with its sign, in the metric's unit ("+2.5 pt" for percentages). */
export function formatDifference(value: number | null | undefined, format: MetricRow['format']): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const sign = value > 0 ? '+' : value < 0 ? '−' : '±';
  const size = Math.abs(value);
  switch (format) {
    case 'percent':
      return `${sign}${(size * 100).toFixed(1)} pt`;
    case 'decimal':
      return `${sign}${size.toFixed(3)}`;
    case 'count':
      return `${sign}${Math.round(size).toLocaleString()}`;
    case 'seconds':
      return `${sign}${size.toFixed(1)} s`;
  }
}

/** 'better' | 'worse' | 'same' for colouring a difference; null where no direction is better. */
export function differenceTone(value: number | null | undefined, row: MetricRow): 'better' | 'worse' | 'same' | null {
  if (row.better === null || value === null || value === undefined || !Number.isFinite(value)) return null;
  if (Math.abs(value) < 1e-12) return 'same';
  return (value > 0) === (row.better === 'higher') ? 'better' : 'worse';
}

export function metricValue(metrics: EvaluationMetrics | null, key: MetricKey): number | null {
  if (!metrics) return null;
  const value = metrics[key];
  return typeof value === 'number' ? value : null;
}

/** A score or margin to three decimals, without the "-0.000" a tiny negative value would print. */
export function formatScore(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const rounded = Math.round(value * 1000) / 1000;
  return (rounded === 0 ? 0 : rounded).toFixed(3);
}
