/** A `<select>` of checkpoints (grouped by run) and exports. */
import { useId } from 'react';
import type { ModelOptionGroup } from './model-options';
import { parseModelKey, type ModelKey } from './model-types';

export interface ModelSelectProps {
  label: string;
  groups: readonly ModelOptionGroup[];
  value: ModelKey | null;
  onChange(key: ModelKey): void;
  testId: string;
  disabled?: boolean;
}

export function ModelSelect({ label, groups, value, onChange, testId, disabled }: ModelSelectProps) {
  const id = useId();
  const empty = groups.length === 0;
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <select
        id={id}
        className="select"
        value={value ?? ''}
        disabled={disabled || empty}
        data-testid={testId}
        onChange={(event) => {
          const key = event.target.value;
          if (parseModelKey(key)) onChange(key as ModelKey);
        }}
      >
        {empty && <option value="">No checkpoints yet — train a run first</option>}
        {!empty && value === null && <option value="">Choose a model…</option>}
        {groups.map((group) => (
          <optgroup key={group.label} label={group.label}>
            {group.options.map((option) => (
              <option key={option.key} value={option.key}>
                {option.label}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </div>
  );
}
