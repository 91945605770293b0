/**
 * The chart's lines, drawn as one SVG path per series through the chart's own scales
 * (recharts' useXAxisScale/useYAxisScale). recharts' <Line> was the main cost of a redraw with
 * 100k-point series: it turns every point into an object, stores the lot in its redux state
 * (immer) and measures the path for its dash animation, nine charts four times a second. Here a
 * redraw is one string per series from typed arrays; recharts still does axes, ticks and grid.
 */
import { useXAxisScale, useYAxisScale } from 'recharts';
import type { ChartLine } from '../../charts/chart-lines';
import type { DownsampledSeries } from '../../charts/minmax-downsample';

type Scale = NonNullable<ReturnType<typeof useXAxisScale>>;

/** "M x y L x y …"; a gap (NaN, or ≤ 0 on a log axis) starts a new segment instead of a false line. */
export function pathData(series: DownsampledSeries, xScale: Scale, yScale: Scale, logScale: boolean): string {
  let d = '';
  let pen = false;
  for (let i = 0; i < series.length; i += 1) {
    const value = series.ys[i] as number;
    const px = xScale(series.xs[i]);
    const py = !Number.isFinite(value) || (logScale && !(value > 0)) ? undefined : yScale(value);
    if (px === undefined || py === undefined || !Number.isFinite(px) || !Number.isFinite(py)) {
      pen = false;
      continue;
    }
    // Tenths of a pixel; Math.round is several times cheaper than toFixed on ~1,000 points a line.
    d += `${pen ? 'L' : 'M'}${Math.round(px * 10) / 10} ${Math.round(py * 10) / 10}`;
    pen = true;
  }
  return d;
}

export interface SeriesPathsProps {
  lines: readonly ChartLine[];
  logScale: boolean;
}

export function SeriesPaths({ lines, logScale }: SeriesPathsProps) {
  const xScale = useXAxisScale();
  const yScale = useYAxisScale();
  if (!xScale || !yScale) return null;
  return (
    <g className="series-paths">
      {lines.map((line) => {
        const evalDash = line.kind === 'eval' ? '4 3' : undefined;
        const main = line.smoothed ?? line.raw;
        return (
          <g key={line.key} data-series={line.key}>
            {line.smoothed && <path className="series-path raw" d={pathData(line.raw, xScale, yScale, logScale)} stroke={line.color} strokeOpacity={0.28} strokeWidth={1} fill="none" />}
            <path
              className="series-path"
              d={pathData(main, xScale, yScale, logScale)}
              stroke={line.color}
              strokeWidth={line.smoothed ? 1.6 : 1.5}
              strokeDasharray={evalDash}
              strokeLinejoin="round"
              fill="none"
            />
            {line.dots &&
              Array.from({ length: line.raw.length }, (_, i) => {
                const value = line.raw.ys[i] as number;
                if (!Number.isFinite(value) || (logScale && !(value > 0))) return null;
                const cx = xScale(line.raw.xs[i]);
                const cy = yScale(value);
                if (cx === undefined || cy === undefined || !Number.isFinite(cx) || !Number.isFinite(cy)) return null;
                return <circle key={i} cx={cx} cy={cy} r={2.5} fill={line.color} />;
              })}
          </g>
        );
      })}
    </g>
  );
}
