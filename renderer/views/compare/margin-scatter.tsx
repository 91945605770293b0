/**
 * Margin A (x) against margin B (y), one mark per labeled item both evaluations scored, coloured
 * by which model ranked it right; the lines at 0 split the plot into the four outcomes and the
 * diagonal is "equal margins". Drawn on a canvas in one pass (scatter-marks bins beyond a few
 * thousand points), so 100k items neither freeze the page nor fill the DOM. Hover shows the
 * item; click opens it.
 */
import { useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { useElementWidth } from '../../hooks/use-element-width';
import { formatScore } from '../evaluate/metric-format';
import { CATEGORY_LABELS, categoryColor, COLOR_A, COLOR_B } from './compare-colors';
import { buildScatterMarks, CATEGORY_ORDER, nearestMark, scatterLayout, toPixelX, toPixelY, type ScatterCategory } from './scatter-marks';
import type { EvaluationComparison } from '../../client/contract-types';

const PAD = { left: 44, right: 10, top: 10, bottom: 34 };
const MAX_HEIGHT = 330;

interface Hover {
  mark: number;
  left: number;
  top: number;
}

function cssVar(element: Element, name: string, fallback: string): string {
  return getComputedStyle(element).getPropertyValue(name).trim() || fallback;
}

function formatTick(value: number): string {
  if (value === 0) return '0';
  const size = Math.abs(value);
  return size >= 100 ? value.toFixed(0) : size >= 1 ? String(Number(value.toFixed(1))) : String(Number(value.toPrecision(2)));
}

export function MarginScatter({ comparison, onOpenItem }: { comparison: EvaluationComparison; onOpenItem(itemId: string): void }) {
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const width = useElementWidth(box);
  const height = Math.min(MAX_HEIGHT, Math.max(200, width));
  const plotWidth = Math.max(1, width - PAD.left - PAD.right);
  const plotHeight = Math.max(1, height - PAD.top - PAD.bottom);
  const { scatter } = comparison;
  const layout = useMemo(() => scatterLayout(scatter, plotWidth, plotHeight), [scatter, plotWidth, plotHeight]);
  const marks = useMemo(() => buildScatterMarks(scatter, layout), [scatter, layout]);
  const [hover, setHover] = useState<Hover | null>(null);

  useEffect(() => {
    const element = canvas.current;
    if (!element || width <= 0) return;
    const ratio = window.devicePixelRatio || 1;
    element.width = Math.round(width * ratio);
    element.height = Math.round(height * ratio);
    const context = element.getContext('2d');
    if (!context) return;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    const text = cssVar(element, '--text-muted', '#888');
    const grid = cssVar(element, '--border', '#333');
    const axis = cssVar(element, '--border-strong', '#555');
    const colors = { success: cssVar(element, '--success', '#3a3'), danger: cssVar(element, '--danger', '#c33') };
    context.font = '11px system-ui, sans-serif';
    context.fillStyle = text;
    context.lineWidth = 1;

    // Grid and ticks (one tick list: both axes share the domain).
    for (const tick of layout.ticks) {
      const x = PAD.left + Math.round(toPixelX(layout, tick)) + 0.5;
      const y = PAD.top + Math.round(toPixelY(layout, tick)) + 0.5;
      context.strokeStyle = grid;
      context.beginPath();
      context.moveTo(PAD.left, y);
      context.lineTo(PAD.left + plotWidth, y);
      context.moveTo(x, PAD.top);
      context.lineTo(x, PAD.top + plotHeight);
      context.stroke();
      context.textAlign = 'right';
      context.textBaseline = 'middle';
      context.fillText(formatTick(tick), PAD.left - 6, y);
      context.textAlign = 'center';
      context.textBaseline = 'top';
      context.fillText(formatTick(tick), x, PAD.top + plotHeight + 4);
    }
    // Diagonal: equal margins.
    context.strokeStyle = axis;
    context.setLineDash([3, 4]);
    context.beginPath();
    context.moveTo(PAD.left, PAD.top + plotHeight);
    context.lineTo(PAD.left + plotWidth, PAD.top);
    context.stroke();
    context.setLineDash([]);
    // Quadrant lines at 0: right of the vertical, A ranked the item right; above the horizontal, B did.
    context.strokeStyle = axis;
    context.lineWidth = 1.5;
    const zeroX = PAD.left + Math.round(toPixelX(layout, 0)) + 0.5;
    const zeroY = PAD.top + Math.round(toPixelY(layout, 0)) + 0.5;
    context.beginPath();
    context.moveTo(zeroX, PAD.top);
    context.lineTo(zeroX, PAD.top + plotHeight);
    context.moveTo(PAD.left, zeroY);
    context.lineTo(PAD.left + plotWidth, zeroY);
    context.stroke();
    // Axis titles in A's and B's colours.
    context.textAlign = 'center';
    context.textBaseline = 'bottom';
    context.fillStyle = COLOR_A;
    context.fillText('margin A →', PAD.left + plotWidth / 2, height - 2);
    context.save();
    context.translate(11, PAD.top + plotHeight / 2);
    context.rotate(-Math.PI / 2);
    context.fillStyle = COLOR_B;
    context.textBaseline = 'middle';
    context.fillText('margin B →', 0, 0);
    context.restore();

    // Marks, category by category (already sorted in draw order).
    const radius = marks.binned ? 1.6 : marks.length > 600 ? 2.2 : 3.2;
    context.globalAlpha = marks.binned || marks.length > 600 ? 0.7 : 0.85;
    let current = -1;
    context.beginPath();
    for (let i = 0; i < marks.length; i += 1) {
      const category = marks.category[i] as number;
      if (category !== current) {
        if (current >= 0) context.fill();
        current = category;
        context.fillStyle = categoryColor(CATEGORY_ORDER[category] as ScatterCategory, colors);
        context.beginPath();
      }
      const x = PAD.left + (marks.xs[i] as number);
      const y = PAD.top + (marks.ys[i] as number);
      context.moveTo(x + radius, y);
      context.arc(x, y, radius, 0, Math.PI * 2);
    }
    if (current >= 0) context.fill();
    context.globalAlpha = 1;
  }, [marks, layout, width, height, plotWidth, plotHeight]);

  function markAt(event: MouseEvent<HTMLCanvasElement>): Hover | null {
    const bounds = event.currentTarget.getBoundingClientRect();
    const left = event.clientX - bounds.left;
    const top = event.clientY - bounds.top;
    const mark = nearestMark(marks, left - PAD.left, top - PAD.top, 8);
    return mark >= 0 ? { mark, left: PAD.left + (marks.xs[mark] as number), top: PAD.top + (marks.ys[mark] as number) } : null;
  }

  const hoverIndex = hover ? (marks.itemIndex[hover.mark] as number) : -1;
  const hoverCategory = hover ? (CATEGORY_ORDER[marks.category[hover.mark] as number] as ScatterCategory) : null;
  const categoryCounts = useMemo(() => {
    const counts: Record<ScatterCategory, number> = { 'both-right': 0, 'both-wrong': 0, 'a-only': 0, 'b-only': 0 };
    for (let i = 0; i < marks.length; i += 1) counts[CATEGORY_ORDER[marks.category[i] as number] as ScatterCategory] += marks.count[i] as number;
    return counts;
  }, [marks]);

  return (
    <div className="margin-scatter" data-testid="margin-scatter" data-points={scatter.itemIds.length} data-marks={marks.length} data-binned={marks.binned ? 'true' : 'false'}>
      <div className="scatter-box" ref={box} style={{ height }}>
        {width > 0 && (
          <canvas
            ref={canvas}
            style={{ width, height, cursor: hover ? 'pointer' : 'default' }}
            data-testid="margin-scatter-canvas"
            aria-label={`Scatter of ${scatter.itemIds.length} items: margin A against margin B`}
            role="img"
            onMouseMove={(event) => setHover(markAt(event))}
            onMouseLeave={() => setHover(null)}
            onClick={(event) => {
              const hit = markAt(event);
              const itemId = hit ? scatter.itemIds[marks.itemIndex[hit.mark] as number] : undefined;
              if (itemId !== undefined) onOpenItem(itemId);
            }}
          />
        )}
        {hover && hoverIndex >= 0 && hoverCategory && (
          <div className="chart-tooltip scatter-tooltip" style={hover.left > width * 0.6 ? { right: width - hover.left + 10, top: hover.top + 8 } : { left: hover.left + 10, top: hover.top + 8 }}>
            <div className="mono">{scatter.itemIds[hoverIndex]}</div>
            <div>
              <span style={{ color: COLOR_A }}>A</span> {formatScore(scatter.marginA[hoverIndex] as number)} · <span style={{ color: COLOR_B }}>B</span> {formatScore(scatter.marginB[hoverIndex] as number)}
            </div>
            <div className="muted">
              {CATEGORY_LABELS[hoverCategory]}
              {(marks.count[hover.mark] as number) > 1 ? ` · ${marks.count[hover.mark]} items here` : ' · click to open'}
            </div>
          </div>
        )}
      </div>
      <div className="scatter-legend small">
        {(['a-only', 'b-only', 'both-wrong', 'both-right'] as const).map((category) => (
          <span key={category} className="legend-entry" data-testid={`scatter-count-${category}`} data-count={categoryCounts[category]}>
            <span className={`scatter-dot dot-${category}`} />
            {CATEGORY_LABELS[category]} <span className="muted num">{categoryCounts[category]}</span>
          </span>
        ))}
      </div>
    </div>
  );
}
