/** The project's figures: how far the plan has got, what is held, what waits for a reviewer. */
import type { ReactNode } from 'react';
import { formatCount } from '../../components/format';
import { formatCoefficient, formatShare } from './team-format';
import type { AssignmentPlan, ProjectProgress } from './team-types';

function Figure({ label, value, note, testId }: { label: ReactNode; value: string; note?: ReactNode; testId: string }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value" data-testid={testId}>
        {value}
      </div>
      {note !== undefined && <div className="stat-detail">{note}</div>}
    </div>
  );
}

export interface ProgressFiguresProps {
  project: ProjectProgress;
  plan: AssignmentPlan;
  /** Opens the Agreement view, where reviewers settle conflicts. */
  onOpenConflicts: () => void;
}

export function ProgressFigures({ project, plan, onOpenConflicts }: ProgressFiguresProps) {
  return (
    <div className="stats team-stats">
      <Figure
        label={`Complete (≥ ${plan.overlap} judgments)`}
        value={`${formatCount(project.itemsComplete)} / ${formatCount(project.itemsInScope)}`}
        note={`${formatShare(project.itemsInScope > 0 ? project.itemsComplete / project.itemsInScope : null)} · ${formatCount(project.itemsPartial)} partial`}
        testId="team-progress-complete"
      />
      <Figure label="Held now" value={formatCount(project.itemsHeld)} note={`leases of ${plan.leaseMinutes} min`} testId="team-progress-held" />
      <Figure
        label="Conflicts waiting"
        value={formatCount(project.conflictsWaiting)}
        note={
          <button type="button" className="link-button" data-testid="team-progress-open-conflicts" onClick={onOpenConflicts}>
            Open Agreement
          </button>
        }
        testId="team-progress-conflicts"
      />
      <Figure label="Gold items" value={formatCount(project.goldItems)} note={plan.goldRate > 0 ? `${Math.round(plan.goldRate * 1000) / 10} % of hand-outs` : 'not mixed in'} testId="team-progress-gold" />
      <Figure
        label={
          <>
            Project <span className="symbol">κ</span> / <span className="symbol">α</span>
          </>
        }
        value={`${formatCoefficient(project.kappa)} / ${formatCoefficient(project.alpha)}`}
        note="pairs / rankings"
        testId="team-progress-agreement"
      />
    </div>
  );
}
