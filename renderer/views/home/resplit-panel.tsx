/**
 * Changing split ratios reassigns items between train/val/test, which changes what a model is
 * evaluated on: so it asks for confirmation and says how many items are affected.
 */
import { useState, type FormEvent } from 'react';
import { useStudioClient } from '../../client/client-context';
import { formatCount } from '../../components/format';
import { Panel } from '../../components/panel';
import { useProjectStore } from '../../state/project-store';
import { toastError, toastSuccess } from '../../state/toast-store';
import type { ProjectSummary, Split } from '../../client/contract-types';

const SPLITS: readonly Split[] = ['train', 'val', 'test'];
type Percentages = Record<Split, string>;

function toPercentages(project: ProjectSummary): Percentages {
  return {
    train: String(Math.round(project.splitRatios.train * 100)),
    val: String(Math.round(project.splitRatios.val * 100)),
    test: String(Math.round(project.splitRatios.test * 100)),
  };
}

export function ResplitPanel({ project }: { project: ProjectSummary }) {
  const client = useStudioClient();
  const [values, setValues] = useState<Percentages>(() => toPercentages(project));
  const [confirming, setConfirming] = useState(false);
  const [running, setRunning] = useState(false);

  const numbers = SPLITS.map((split) => Number(values[split]));
  const valid = numbers.every((value) => Number.isFinite(value) && value >= 0 && value <= 100);
  const sum = numbers.reduce((a, b) => a + b, 0);
  const problem = !valid ? 'Each ratio is a percentage from 0 to 100.' : Math.abs(sum - 100) > 1e-6 ? `The ratios add up to ${sum}%, not 100%.` : null;

  function submit(event: FormEvent): void {
    event.preventDefault();
    if (!problem) setConfirming(true);
  }

  async function confirm(): Promise<void> {
    setRunning(true);
    try {
      const [train = 0, val = 0, test = 0] = numbers;
      const summary = await client.invoke('dataset.resplit', { train: train / 100, val: val / 100, test: test / 100 });
      useProjectStore.getState().setProject(summary);
      setValues(toPercentages(summary));
      toastSuccess(`Re-split ${formatCount(summary.itemCount)} items.`);
      setConfirming(false);
    } catch (error) {
      toastError(error, 'Re-split');
    } finally {
      setRunning(false);
    }
  }

  return (
    <Panel title="Re-split" testId="resplit-panel">
      <form className="stack" onSubmit={submit}>
        <div className="row">
          {SPLITS.map((split) => (
            <div className="field narrow" key={split}>
              <label className="field-label" htmlFor={`resplit-${split}`}>
                {split} %
              </label>
              <input
                id={`resplit-${split}`}
                className="input num"
                type="number"
                min={0}
                max={100}
                step={1}
                value={values[split]}
                disabled={running || confirming}
                data-testid={`resplit-${split}`}
                onChange={(event) => setValues({ ...values, [split]: event.target.value })}
              />
            </div>
          ))}
          <div className="field field-action">
            <button type="submit" className="button" disabled={problem !== null || confirming || running} data-testid="resplit-submit">
              Re-split…
            </button>
          </div>
        </div>
        {problem && <p className="small danger">{problem}</p>}
        {confirming && (
          <div className="confirm" role="alertdialog" aria-label="Confirm re-split" data-testid="resplit-confirm">
            <p className="small">
              Reassign all {formatCount(project.itemCount)} items to train/val/test by {values.train}/{values.val}/{values.test}? Runs
              trained before keep their frozen snapshot, but new evaluations will use the new splits.
            </p>
            <div className="row end">
              <button type="button" className="button" disabled={running} onClick={() => setConfirming(false)}>
                Cancel
              </button>
              <button type="button" className="button danger" disabled={running} data-testid="resplit-confirm-button" onClick={() => void confirm()}>
                {running ? 'Re-splitting…' : 'Re-split items'}
              </button>
            </div>
          </div>
        )}
        {!confirming && !problem && (
          <p className="small muted">Splits follow a hash of each item id, so they stay stable as items are added.</p>
        )}
      </form>
    </Panel>
  );
}
