/** The project's figures: how far the plan has got, what is held, what waits for a reviewer. */
import { formatCount } from '../../components/format';
import { StatFigure } from '../../components/stat-figure';
import { formatCoefficient, formatShare } from './team-format';
import type { AssignmentPlan, ProjectProgress } from './team-types';


export interface ProgressFiguresProps {
  project: ProjectProgress;
  plan: AssignmentPlan;
  /** Opens the Agreement view, where reviewers settle conflicts. */
  onOpenConflicts: () => void;
}

export function ProgressFigures({ project, plan, onOpenConflicts }: ProgressFiguresProps) {
  return (
    <div className="stats team-stats">
      <StatFigure
        label={`Complete (≥ ${plan.overlap} judgments)`}
        value={`${formatCount(project.itemsComplete)} / ${formatCount(project.itemsInScope)}`}
        note={`${formatShare(project.itemsInScope > 0 ? project.itemsComplete / project.itemsInScope : null)} · ${formatCount(project.itemsPartial)} partial`}
        testId="team-progress-complete"
      />
      <StatFigure label="Held now" value={formatCount(project.itemsHeld)} note={`leases of ${plan.leaseMinutes} min`} testId="team-progress-held" />
      <StatFigure
        label="Conflicts waiting"
        value={formatCount(project.conflictsWaiting)}
        note={
          <button type="button" className="link-button" data-testid="team-progress-open-conflicts" onClick={onOpenConflicts}>
            Open Agreement
          </button>
        }
        testId="team-progress-conflicts"
      />
      <StatFigure label="Gold items" value={formatCount(project.goldItems)} note={plan.goldRate > 0 ? `${Math.round(plan.goldRate * 1000) / 10} % of hand-outs` : 'not mixed in'} testId="team-progress-gold" />
      <StatFigure
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
