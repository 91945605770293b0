/**
 * Which splits to train on and which to validate on, with their labeled counts: only labeled
 * items go into the snapshot, so "12 of 40 labeled" tells the person what training will see.
 * A split cannot be on both sides (the run manager refuses it too).
 */
import type { ProjectSummary, SplitName } from '../../../client/contract-types';

const SPLITS: readonly SplitName[] = ['train', 'val', 'test'];

export interface SplitChoice {
  train: SplitName[];
  val: SplitName[];
}

export interface SplitPickerProps {
  project: ProjectSummary;
  value: SplitChoice;
  onChange(value: SplitChoice): void;
}

function toggle(list: readonly SplitName[], split: SplitName, on: boolean): SplitName[] {
  return SPLITS.filter((candidate) => (candidate === split ? on : list.includes(candidate)));
}

export function labeledIn(project: ProjectSummary, splits: readonly SplitName[]): number {
  return splits.reduce((sum, split) => sum + project.bySplit[split].labeled, 0);
}

export function SplitPicker({ project, value, onChange }: SplitPickerProps) {
  const side = (key: keyof SplitChoice, other: keyof SplitChoice, title: string) => (
    <fieldset className="split-side">
      <legend className="field-label">{title}</legend>
      {SPLITS.map((split) => {
        const counts = project.bySplit[split];
        const taken = value[other].includes(split);
        return (
          <label key={split} className={taken ? 'checkbox disabled' : 'checkbox'} title={taken ? `${split} is already used for ${other === 'val' ? 'validation' : 'training'}` : undefined}>
            <input
              type="checkbox"
              checked={value[key].includes(split)}
              disabled={taken}
              data-testid={`split-${key}-${split}`}
              onChange={(event) => onChange({ ...value, [key]: toggle(value[key], split, event.target.checked) })}
            />
            <span className={`split-badge split-${split}`}>{split}</span>
            <span className="muted">
              {counts.labeled.toLocaleString()} of {counts.items.toLocaleString()} labeled
            </span>
          </label>
        );
      })}
    </fieldset>
  );
  return (
    <div className="split-picker" data-testid="split-picker">
      {side('train', 'val', 'Train on')}
      {side('val', 'train', 'Validate on')}
    </div>
  );
}
