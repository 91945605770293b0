/** One figure of a `.stats` grid: a label, the value (with its test id) and an optional note under it. */
import type { ReactNode } from 'react';

export interface StatFigureProps {
  label: ReactNode;
  value: string;
  note?: ReactNode;
  testId: string;
}

export function StatFigure({ label, value, note, testId }: StatFigureProps) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value" data-testid={testId}>
        {value}
      </div>
      {note !== undefined && note !== '' && note !== null && <div className="stat-detail">{note}</div>}
    </div>
  );
}
