/**
 * The margin scatter's marks: item i at (margin A, margin B), coloured by which model ranked it
 * right. Pure, so the downsampling is tested without a canvas.
 *
 * Up to `exactBelow` points every item is its own mark (what a person counts on a small split,
 * and what the e2e test checks). Beyond it, points are binned into cells a few pixels wide, one
 * mark per occupied (cell, category) carrying how many items it stands for: 100k items become at
 * most a few tens of thousands of marks, drawn in one canvas pass, and a disagreement that lands
 * in a crowded cell still shows in its own colour because categories never merge.
 */
import { linearAxis } from '../../charts/axis-ticks';

export type ScatterCategory = 'both-right' | 'both-wrong' | 'a-only' | 'b-only';

/** Draw order: the common case underneath, the disagreements on top where they catch the eye. */
export const CATEGORY_ORDER: readonly ScatterCategory[] = ['both-right', 'both-wrong', 'b-only', 'a-only'];

export interface ScatterInput {
  itemIds: readonly string[];
  marginA: readonly number[];
  marginB: readonly number[];
  correctA: readonly boolean[];
  correctB: readonly boolean[];
}

export interface ScatterLayout {
  /** Shared by both axes, so the diagonal means "both margins equal". */
  domain: [number, number];
  ticks: number[];
  /** Plot area in CSS pixels. */
  width: number;
  height: number;
}

export interface ScatterMarks {
  /** Pixel position inside the plot area (y grows downwards). */
  xs: Float32Array;
  ys: Float32Array;
  category: Uint8Array;
  /** The item the mark was made from (the first one in its cell when binned). */
  itemIndex: Int32Array;
  /** Items the mark stands for (1 when drawn exactly). */
  count: Uint32Array;
  length: number;
  binned: boolean;
}

export function categoryOf(correctA: boolean, correctB: boolean): ScatterCategory {
  if (correctA && correctB) return 'both-right';
  if (correctA) return 'a-only';
  if (correctB) return 'b-only';
  return 'both-wrong';
}

/** Ticks cover every finite margin of both models and 0 (the quadrant lines are always in view). */
export function scatterLayout(input: ScatterInput, width: number, height: number): ScatterLayout {
  let min = 0;
  let max = 0;
  for (const margins of [input.marginA, input.marginB]) {
    for (const value of margins) {
      if (!Number.isFinite(value)) continue;
      if (value < min) min = value;
      if (value > max) max = value;
    }
  }
  const axis = linearAxis(min, max, 5);
  return { domain: axis.domain, ticks: axis.ticks, width, height };
}

export function toPixelX(layout: ScatterLayout, value: number): number {
  const [low, high] = layout.domain;
  return ((value - low) / (high - low)) * layout.width;
}

export function toPixelY(layout: ScatterLayout, value: number): number {
  const [low, high] = layout.domain;
  return layout.height - ((value - low) / (high - low)) * layout.height;
}

export function buildScatterMarks(input: ScatterInput, layout: ScatterLayout, options: { exactBelow?: number; cellPx?: number } = {}): ScatterMarks {
  const exactBelow = options.exactBelow ?? 5000;
  const cellPx = Math.max(1, options.cellPx ?? 2);
  const total = input.marginA.length;
  const binned = total > exactBelow;
  const columns = Math.max(1, Math.ceil(layout.width / cellPx) + 1);
  const rows = Math.max(1, Math.ceil(layout.height / cellPx) + 1);
  const capacity = binned ? Math.min(total, columns * rows * CATEGORY_ORDER.length) : total;
  const xs = new Float32Array(capacity);
  const ys = new Float32Array(capacity);
  const category = new Uint8Array(capacity);
  const itemIndex = new Int32Array(capacity);
  const count = new Uint32Array(capacity);
  let length = 0;
  // Cell → mark index + 1 (0 = empty), one slot per category.
  const cells = binned ? new Int32Array(columns * rows * CATEGORY_ORDER.length) : null;

  // Category per item once (its draw-order index; 255 = not drawable), then one pass per
  // category in draw order: marks come out already sorted for painting.
  const orderOf = new Uint8Array(total);
  for (let i = 0; i < total; i += 1) {
    const a = input.marginA[i] as number;
    const b = input.marginB[i] as number;
    orderOf[i] = Number.isFinite(a) && Number.isFinite(b) ? CATEGORY_ORDER.indexOf(categoryOf(Boolean(input.correctA[i]), Boolean(input.correctB[i]))) : 255;
  }
  const [low, high] = layout.domain;
  const scaleX = layout.width / (high - low);
  const scaleY = layout.height / (high - low);
  for (let order = 0; order < CATEGORY_ORDER.length; order += 1) {
    for (let i = 0; i < total; i += 1) {
      if (orderOf[i] !== order) continue;
      const px = ((input.marginA[i] as number) - low) * scaleX;
      const py = layout.height - ((input.marginB[i] as number) - low) * scaleY;
      if (cells) {
        const column = Math.min(columns - 1, Math.max(0, Math.floor(px / cellPx)));
        const row = Math.min(rows - 1, Math.max(0, Math.floor(py / cellPx)));
        const slot = (row * columns + column) * CATEGORY_ORDER.length + order;
        const existing = cells[slot] as number;
        if (existing > 0) {
          count[existing - 1] = (count[existing - 1] as number) + 1;
          continue;
        }
        cells[slot] = length + 1;
        xs[length] = (column + 0.5) * cellPx;
        ys[length] = (row + 0.5) * cellPx;
      } else {
        xs[length] = px;
        ys[length] = py;
      }
      category[length] = order;
      itemIndex[length] = i;
      count[length] = 1;
      length += 1;
    }
  }
  return { xs, ys, category, itemIndex, count, length, binned };
}

/** The mark nearest to (px, py) within `radius` pixels, preferring the one drawn on top; -1 when none. */
export function nearestMark(marks: ScatterMarks, px: number, py: number, radius: number): number {
  let best = -1;
  let bestDistance = radius * radius;
  for (let i = 0; i < marks.length; i += 1) {
    const dx = (marks.xs[i] as number) - px;
    const dy = (marks.ys[i] as number) - py;
    const distance = dx * dx + dy * dy;
    // `<=`: of two marks at the same spot, the later (painted on top) wins.
    if (distance <= bestDistance) {
      bestDistance = distance;
      best = i;
    }
  }
  return best;
}
