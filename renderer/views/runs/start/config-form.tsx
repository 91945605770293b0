/**
 * Every option the worker has (runs.configSchema), grouped the way describe-config groups them.
 * The model folder comes from the model picker and the data paths and run name from the studio,
 * so those rows say where their value comes from instead of offering an input.
 */
import { ConfigFieldRow } from './config-field-row';
import { groupFields, MODEL_FIELD, STUDIO_OWNED_FIELDS, type ConfigDraft, type DraftValue } from './config-draft';
import type { TrainConfigField } from '../../../client/contract-types';

export interface ConfigFormProps {
  fields: readonly TrainConfigField[];
  draft: ConfigDraft;
  errors: Readonly<Record<string, string>>;
  onChange(name: string, value: DraftValue): void;
  changedCount: number;
  onResetAll(): void;
}

const GROUP_TITLES: Record<string, string> = {
  model: 'Model',
  data: 'Data',
  training: 'Optimisation',
  loss: 'Loss',
  lora: 'LoRA',
  checkpoints: 'Evaluation & checkpoints',
  run: 'Run & logging',
};

const OWNED_NOTES: Record<string, string> = {
  [MODEL_FIELD]: 'from the model picker',
  train_data_path: 'frozen snapshot of the training splits',
  val_data_path: 'frozen snapshot of the validation splits',
  experiment_name: 'the run name',
  output_dir: 'the run folder',
};

export function ConfigForm({ fields, draft, errors, onChange, changedCount, onResetAll }: ConfigFormProps) {
  return (
    <div className="config-form" data-testid="config-form">
      <div className="config-summary small">
        <span className="muted">
          {fields.length} options · {changedCount === 0 ? 'all at their defaults' : `${changedCount} changed from the default`} · hover or focus an option for its help
        </span>
        {changedCount > 0 && (
          <button type="button" className="button small" onClick={onResetAll} data-testid="config-reset-all">
            Reset to the preset
          </button>
        )}
      </div>
      {groupFields(fields).map(({ group, fields: groupFieldList }) => (
        <section key={group} className="config-group" data-testid={`config-group-${group}`}>
          <h3 className="section-label">{GROUP_TITLES[group] ?? group}</h3>
          {groupFieldList.map((field) =>
            field.name === MODEL_FIELD || STUDIO_OWNED_FIELDS.has(field.name) ? (
              <div key={field.name} className="config-row owned" data-field={field.name} title={field.help}>
                <span className="config-name mono">{field.name}</span>
                <span className="config-owned muted small">set by the studio: {OWNED_NOTES[field.name] ?? 'automatic'}</span>
              </div>
            ) : (
              <ConfigFieldRow key={field.name} field={field} value={draft[field.name]} error={errors[field.name]} onChange={onChange} />
            ),
          )}
        </section>
      ))}
    </div>
  );
}
