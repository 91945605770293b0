/**
 * A run needs enough labeled validation items for its eval accuracy, its best checkpoint and early
 * stopping to mean anything. With fewer, Train is blocked and two fixes are one click away: re-split
 * the project so validation gets a fifth of the items, or train without validation — said plainly,
 * since then the last checkpoint is simply kept.
 */
import { useState } from 'react';
import { useStudioClient } from '../../../client/client-context';
import { describeError } from '../../../client/studio-client-error';
import type { ProjectSummary } from '../../../client/contract-types';
import { labeledIn, type SplitChoice } from './split-picker';

/** Below this many labeled validation items, accuracy moves in steps of 20 % or more. */
export const MIN_VALIDATION_ITEMS = 5;

/** The blocker's words, or null when validation is fine (or deliberately off). */
export function validationProblem(project: ProjectSummary, splits: SplitChoice): string | null {
  if (splits.val.length === 0) return null;
  const labeled = labeledIn(project, splits.val);
  if (labeled >= MIN_VALIDATION_ITEMS) return null;
  const where = splits.val.join(' + ');
  return labeled === 0
    ? `The ${where} split has no labeled items to validate on.`
    : `Only ${labeled} labeled item${labeled === 1 ? '' : 's'} to validate on in ${where} (at least ${MIN_VALIDATION_ITEMS} needed).`;
}

export function ValidationGuard({ project, splits, onSplits }: { project: ProjectSummary; splits: SplitChoice; onSplits(next: SplitChoice): void }) {
  const client = useStudioClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const problem = validationProblem(project, splits);
  if (splits.val.length === 0) {
    return (
      <p className="muted small" data-testid="train-no-validation">
        Training without validation: no eval accuracy and no early stopping; the last checkpoint is kept as the best.
      </p>
    );
  }
  if (!problem) return null;

  async function resplit(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await client.invoke('dataset.resplit', { train: 0.8, val: 0.2, test: 0 });
      onSplits({ train: ['train'], val: ['val'] });
    } catch (failure) {
      setError(describeError(failure).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="callout stack" data-testid="train-validation-guard">
      <span>
        {problem}{' '}
        {labeledIn(project, splits.val) === 0
          ? 'Without them a run has no validation accuracy to choose its best checkpoint or to stop early by.'
          : 'A run chooses its best checkpoint and stops early by validation accuracy; on so few items that choice is noise.'}
      </span>
      <div className="row">
        <button type="button" className="button small" disabled={busy} onClick={() => void resplit()} data-testid="train-resplit">
          {busy ? 'Re-splitting…' : 'Re-split 80 / 20 train / val'}
        </button>
        <button type="button" className="button small" disabled={busy} onClick={() => onSplits({ ...splits, val: [] })} data-testid="train-without-validation">
          Train without validation
        </button>
      </div>
      {error && <p className="inline-error">{error}</p>}
    </div>
  );
}
