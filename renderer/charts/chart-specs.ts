/**
 * What the Run view draws: one chart per entry, each with the metric tags (metrics.sqlite
 * `scalars.tag`, as the worker names them) it overlays. Eval series are sparse (one point per
 * evaluation), so they are drawn with dots and never smoothed.
 */
export type SeriesKind = 'train' | 'eval';
export type ValueFormat = 'decimal' | 'percent' | 'scientific' | 'integer' | 'gigabytes';

export interface ChartSeriesSpec {
  tag: string;
  label: string;
  kind: SeriesKind;
  /** False for scheduled values (the learning rate): an average of a schedule only lags it. */
  smooth?: boolean;
}

export interface ChartSpec {
  id: string;
  title: string;
  series: readonly ChartSeriesSpec[];
  format: ValueFormat;
  unit?: string;
  /** A fixed y range (accuracy is 0..1); otherwise recharts picks one from the data. */
  yDomain?: readonly [number, number];
  /** What the empty chart says, e.g. GPU memory on a CPU run. */
  emptyHint: string;
}

export const CHART_SPECS: readonly ChartSpec[] = [
  { id: 'loss', title: 'Train loss', series: [{ tag: 'loss', label: 'train', kind: 'train' }], format: 'decimal', emptyHint: 'Appears after the first logged step.' },
  { id: 'eval-loss', title: 'Eval loss', series: [{ tag: 'eval_loss', label: 'eval', kind: 'eval' }], format: 'decimal', emptyHint: 'Appears after the first evaluation (needs a validation split).' },
  {
    id: 'accuracy',
    title: 'Accuracy',
    series: [
      { tag: 'accuracy', label: 'train', kind: 'train' },
      { tag: 'eval_accuracy', label: 'eval', kind: 'eval' },
    ],
    format: 'percent',
    yDomain: [0, 1],
    emptyHint: 'Share of pairs ranked the way people ranked them.',
  },
  {
    id: 'margin',
    title: 'Margin',
    series: [
      { tag: 'margin', label: 'train', kind: 'train' },
      { tag: 'eval_margin', label: 'eval', kind: 'eval' },
    ],
    format: 'decimal',
    unit: 'reward',
    emptyHint: 'Mean reward gap between the better and the worse response.',
  },
  { id: 'learning-rate', title: 'Learning rate', series: [{ tag: 'learning_rate', label: 'lr', kind: 'train', smooth: false }], format: 'scientific', emptyHint: 'Appears after the first logged step.' },
  { id: 'grad-norm', title: 'Grad norm', series: [{ tag: 'grad_norm', label: 'norm', kind: 'train' }], format: 'decimal', emptyHint: 'Gradient norm before clipping.' },
  { id: 'samples-per-second', title: 'Throughput · samples', series: [{ tag: 'samples_per_second', label: 'samples/s', kind: 'train' }], format: 'decimal', unit: '/s', emptyHint: 'Items trained per second.' },
  { id: 'tokens-per-second', title: 'Throughput · tokens', series: [{ tag: 'tokens_per_second', label: 'tokens/s', kind: 'train' }], format: 'integer', unit: '/s', emptyHint: 'Tokens the backbone processed per second.' },
  { id: 'gpu-memory', title: 'GPU memory', series: [{ tag: 'gpu_memory_gb', label: 'memory', kind: 'train', smooth: false }], format: 'gigabytes', emptyHint: 'Only recorded on a CUDA GPU; CPU runs have none.' },
];

/** Distinct in both themes, and none of them the danger red (a failed run is shown in words). */
export const RUN_COLORS: readonly string[] = ['#4f7cf0', '#e08a2e', '#2fa58a', '#c65bd0', '#d1b32c', '#5fb6e8', '#e0607e', '#8e8ce8'];

export function runColor(index: number): string {
  return RUN_COLORS[index % RUN_COLORS.length] as string;
}

export function formatValue(value: number, format: ValueFormat): string {
  if (!Number.isFinite(value)) return '–';
  switch (format) {
    case 'percent':
      return `${(value * 100).toFixed(1)}%`;
    case 'scientific':
      return value === 0 ? '0' : value.toExponential(2);
    case 'integer':
      return Math.round(value).toLocaleString();
    case 'gigabytes':
      return `${value.toFixed(2)} GB`;
    case 'decimal': {
      const magnitude = Math.abs(value);
      if (magnitude !== 0 && (magnitude < 0.001 || magnitude >= 100_000)) return value.toExponential(2);
      return value.toFixed(magnitude >= 100 ? 1 : 4);
    }
  }
}

/** Compact y tick labels (the axis is 44 px wide). */
export function formatTick(value: number, format: ValueFormat): string {
  if (!Number.isFinite(value)) return '';
  if (format === 'percent') return `${Math.round(value * 100)}%`;
  const magnitude = Math.abs(value);
  if (magnitude === 0) return '0';
  if (format === 'scientific' || magnitude < 0.01) return value.toExponential(0);
  if (magnitude >= 10_000) return `${(value / 1000).toFixed(0)}k`;
  if (magnitude >= 1000) return `${(value / 1000).toFixed(1)}k`;
  return Number(value.toPrecision(3)).toString();
}

/** Seconds since the run's start, as the time axis shows them. */
export function formatElapsed(seconds: number): string {
  if (!Number.isFinite(seconds)) return '';
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return `${m}:${String(s).padStart(2, '0')}`;
}
