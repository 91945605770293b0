/** Presets fill the whole form (model, batch size, LoRA, …); the form stays editable afterwards. */
import type { TrainingPreset } from '../../../client/contract-types';

export interface PresetPickerProps {
  presets: readonly TrainingPreset[];
  selectedId: string | null;
  onSelect(preset: TrainingPreset): void;
  /** Shown beside GPU presets on a machine without a CUDA GPU. */
  hasGpu: boolean;
}

function wantsGpu(preset: TrainingPreset): boolean {
  return !/\bcpu\b/i.test(`${preset.id} ${preset.hardware}`);
}

export function PresetPicker({ presets, selectedId, onSelect, hasGpu }: PresetPickerProps) {
  if (presets.length === 0) return <p className="muted small">No presets: fill in the options below.</p>;
  return (
    <div className="preset-list" role="radiogroup" aria-label="Presets" data-testid="preset-picker">
      {presets.map((preset) => {
        const selected = preset.id === selectedId;
        return (
          <button
            key={preset.id}
            type="button"
            role="radio"
            aria-checked={selected}
            className={selected ? 'preset-card selected' : 'preset-card'}
            data-testid={`preset-${preset.id}`}
            title={`${preset.description}\n\n${preset.hardware}`}
            onClick={() => onSelect(preset)}
          >
            <span className="preset-title">{preset.label}</span>
            <span className="preset-hardware">{preset.hardware}</span>
            <span className="preset-description">{preset.description}</span>
            {wantsGpu(preset) && !hasGpu && <span className="preset-warning">No CUDA GPU found here: this preset will not fit on the CPU.</span>}
          </button>
        );
      })}
    </div>
  );
}
