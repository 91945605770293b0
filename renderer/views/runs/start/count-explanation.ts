/**
 * Why the run's item count differs from the project's labeled count ("14 labeled" on Home, "13
 * train items" here): labeled items in the validation split, in splits the run does not use, or
 * with every response tied (no pair to learn). One sentence, only the reasons that apply.
 */
import type { ProjectSummary, RunEstimate, SplitName } from '../../../client/contract-types';

const SPLITS: readonly SplitName[] = ['train', 'val', 'test'];

export function countExplanation(
  project: Pick<ProjectSummary, 'bySplit'>,
  splits: { train: readonly SplitName[]; val: readonly SplitName[] },
  estimate: Pick<RunEstimate, 'trainItems' | 'trainAllTied'>,
): string | null {
  const labeled = SPLITS.reduce((sum, split) => sum + project.bySplit[split].labeled, 0);
  if (estimate.trainItems === labeled) return null;
  const reasons: string[] = [];
  for (const split of SPLITS) {
    const count = project.bySplit[split].labeled;
    if (count === 0 || splits.train.includes(split)) continue;
    const role = splits.val.includes(split) ? 'validates the run' : 'not used by this run';
    reasons.push(`${count.toLocaleString()} ${count === 1 ? 'is' : 'are'} in ${split} (${role})`);
  }
  if (estimate.trainAllTied > 0) {
    reasons.push(`${estimate.trainAllTied.toLocaleString()} ${estimate.trainAllTied === 1 ? 'has' : 'have'} every response tied (nothing to learn)`);
  }
  return `${estimate.trainItems.toLocaleString()} of ${labeled.toLocaleString()} labeled items train: ${reasons.join(', ')}.`;
}
