/**
 * Calibration of σ(margin) at a glance: one bar per confidence bin (the bins split [0.5, 1]) as
 * tall as the share of pairs the model ordered like the human did, the diagonal where a
 * perfectly calibrated model's bars would end, and a dot at each bin's mean confidence. Bars
 * below the diagonal: over-confident. Small SVG: a handful of bins, no chart library needed.
 */
import type { CalibrationBin } from '../../client/contract-types';

export interface ReliabilityDiagramProps {
  bins: readonly CalibrationBin[];
  ece: number;
  width?: number;
  height?: number;
}

const PAD = { left: 30, right: 6, top: 6, bottom: 18 };
const Y_TICKS = [0, 0.5, 1];

export function ReliabilityDiagram({ bins, ece, width = 200, height = 132 }: ReliabilityDiagramProps) {
  const plotWidth = width - PAD.left - PAD.right;
  const plotHeight = height - PAD.top - PAD.bottom;
  const low = Math.min(0.5, ...bins.map((bin) => bin.lower));
  const high = Math.max(1, ...bins.map((bin) => bin.upper));
  const x = (value: number) => PAD.left + ((value - low) / (high - low)) * plotWidth;
  const y = (value: number) => PAD.top + (1 - value) * plotHeight;
  const filled = bins.filter((bin) => bin.pairs > 0);
  return (
    <svg
      className="reliability"
      width={width}
      height={height}
      role="img"
      aria-label={`Reliability diagram: ${filled.length} of ${bins.length} confidence bins hold pairs; expected calibration error ${ece.toFixed(3)}`}
      data-testid="reliability-diagram"
      data-bins={bins.length}
    >
      {Y_TICKS.map((tick) => (
        <g key={tick}>
          <line className="reliability-grid" x1={PAD.left} x2={width - PAD.right} y1={y(tick)} y2={y(tick)} />
          <text className="reliability-tick" x={PAD.left - 4} y={y(tick) + 3} textAnchor="end">
            {`${Math.round(tick * 100)}%`}
          </text>
        </g>
      ))}
      {bins.map((bin) =>
        bin.pairs > 0 ? (
          <rect
            key={bin.lower}
            className="reliability-bar"
            x={x(bin.lower) + 1}
            y={y(bin.accuracy)}
            width={Math.max(1, x(bin.upper) - x(bin.lower) - 2)}
            height={Math.max(0, y(0) - y(bin.accuracy))}
          >
            <title>{`confidence ${bin.lower.toFixed(2)}–${bin.upper.toFixed(2)}: ${bin.pairs} pairs, ${(bin.accuracy * 100).toFixed(1)}% ordered right (mean confidence ${(bin.confidence * 100).toFixed(1)}%)`}</title>
          </rect>
        ) : null,
      )}
      <line className="reliability-diagonal" x1={x(low)} y1={y(low)} x2={x(high)} y2={y(high)} />
      {filled.map((bin) => (
        <circle key={bin.lower} className="reliability-dot" cx={x(bin.confidence)} cy={y(bin.accuracy)} r={2.2} />
      ))}
      <text className="reliability-tick" x={x(low)} y={height - 4} textAnchor="start">
        {`${Math.round(low * 100)}%`}
      </text>
      <text className="reliability-tick" x={x(high)} y={height - 4} textAnchor="end">
        {`${Math.round(high * 100)}%`}
      </text>
      <text className="reliability-tick" x={(x(low) + x(high)) / 2} y={height - 4} textAnchor="middle">
        confidence
      </text>
    </svg>
  );
}
