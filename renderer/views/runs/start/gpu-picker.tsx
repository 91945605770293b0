/**
 * Where the worker runs: the chosen GPUs become CUDA_VISIBLE_DEVICES (more than one launches
 * through accelerate); none chosen, or none present, is the CPU.
 */
import type { GpuInfo } from '../../../client/contract-types';

export interface GpuPickerProps {
  gpus: readonly GpuInfo[];
  selected: readonly number[];
  onChange(selected: number[]): void;
}

export function GpuPicker({ gpus, selected, onChange }: GpuPickerProps) {
  if (gpus.length === 0) {
    return (
      <div className="gpu-picker" data-testid="gpu-picker" data-device="cpu">
        <span className="field-label">Device</span>
        <span className="small">CPU <span className="muted">— no CUDA GPU found; fine for the tiny demo, far too slow for a 2B model.</span></span>
      </div>
    );
  }
  return (
    <fieldset className="gpu-picker" data-testid="gpu-picker" data-device={selected.length === 0 ? 'cpu' : 'gpu'}>
      <legend className="field-label">Device</legend>
      {gpus.map((gpu) => (
        <label key={gpu.index} className="checkbox">
          <input
            type="checkbox"
            checked={selected.includes(gpu.index)}
            data-testid={`gpu-${gpu.index}`}
            onChange={(event) => onChange(event.target.checked ? [...selected, gpu.index].sort((a, b) => a - b) : selected.filter((index) => index !== gpu.index))}
          />
          <span className="mono">GPU {gpu.index}</span> {gpu.name}
          <span className="muted">
            {(gpu.memoryFreeMb / 1024).toFixed(1)} / {(gpu.memoryTotalMb / 1024).toFixed(0)} GB free
          </span>
        </label>
      ))}
      <span className="muted small">{selected.length === 0 ? 'None chosen: the CPU.' : selected.length > 1 ? `${selected.length} GPUs: launched with accelerate.` : ''}</span>
    </fieldset>
  );
}
