/**
 * One worker option: its name, the input its type calls for (checkbox, choice list, number or
 * text; secrets masked), its unit, a dot when it differs from the worker's default (with a reset),
 * and its help, shown on hover and while the input has focus.
 */
import { useId, useState } from 'react';
import { fieldType, isChangedFromDefault, toDraftValue, type DraftValue } from './config-draft';
import type { TrainConfigField } from '../../../client/contract-types';

export interface ConfigFieldRowProps {
  field: TrainConfigField;
  value: DraftValue | undefined;
  error: string | undefined;
  onChange(name: string, value: DraftValue): void;
}

function defaultText(field: TrainConfigField): string {
  if (field.secret) return 'empty';
  const value = field.default;
  if (value === '' || value === null || value === undefined) return 'empty';
  return String(value);
}

export function ConfigFieldRow({ field, value, error, onChange }: ConfigFieldRowProps) {
  const id = useId();
  const helpId = `${id}-help`;
  const [revealed, setRevealed] = useState(false);
  const { base } = fieldType(field);
  const changed = isChangedFromDefault(field, value);
  const common = {
    id,
    'aria-describedby': helpId,
    'aria-invalid': error ? true : undefined,
    'data-testid': `config-${field.name}`,
  } as const;

  let input;
  if (base === 'boolean') {
    input = <input {...common} type="checkbox" checked={value === true} onChange={(event) => onChange(field.name, event.target.checked)} />;
  } else if (field.choices && field.choices.length > 0) {
    input = (
      <select {...common} className="select" value={typeof value === 'string' ? value : ''} onChange={(event) => onChange(field.name, event.target.value)}>
        {field.choices.map((choice) => (
          <option key={String(choice)} value={String(choice)}>
            {String(choice)}
          </option>
        ))}
      </select>
    );
  } else {
    const numeric = base === 'number' || base === 'integer';
    input = (
      <span className="config-input-wrap">
        <input
          {...common}
          className={numeric ? 'input num mono' : 'input mono'}
          type={field.secret && !revealed ? 'password' : 'text'}
          inputMode={base === 'integer' ? 'numeric' : numeric ? 'decimal' : undefined}
          autoComplete="off"
          spellCheck={false}
          value={typeof value === 'string' ? value : ''}
          onChange={(event) => onChange(field.name, event.target.value)}
        />
        {field.secret && (
          <button type="button" className="button small" onClick={() => setRevealed((shown) => !shown)} aria-label={revealed ? 'Hide' : 'Show'}>
            {revealed ? 'Hide' : 'Show'}
          </button>
        )}
      </span>
    );
  }

  return (
    <div className={error ? 'config-row invalid' : 'config-row'} data-field={field.name} data-changed={changed ? 'true' : 'false'}>
      <label htmlFor={id} className="config-name mono" title={field.flag}>
        {field.name}
      </label>
      <span className="config-control">{input}</span>
      <span className="config-unit muted">{field.unit ?? ''}</span>
      <span className="config-changed">
        {changed && (
          <button
            type="button"
            className="reset-button"
            title={`Changed from the default (${defaultText(field)}). Click to reset.`}
            aria-label={`Reset ${field.name} to its default`}
            data-testid={`config-reset-${field.name}`}
            onClick={() => onChange(field.name, toDraftValue(field, field.default))}
          >
            ●
          </button>
        )}
      </span>
      <p id={helpId} className="config-help" role="note">
        {field.help} <span className="muted">Default: {defaultText(field)}.</span>
      </p>
      {error && <p className="config-error">{error}</p>}
    </div>
  );
}
