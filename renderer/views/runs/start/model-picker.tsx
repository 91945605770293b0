/**
 * The base model: a local Hugging Face folder, checked by the studio as soon as it is picked or
 * typed (environment.checkModel), or the tiny random model the studio makes for first use.
 * The tiny one is labeled loudly: it demonstrates the studio, it learns nothing useful.
 */
import { PathField } from '../../../components/path-field';
import type { ModelCheck } from '../../../client/contract-types';

export type ModelState =
  | { kind: 'empty' }
  | { kind: 'checking' }
  | { kind: 'checked'; check: ModelCheck }
  | { kind: 'error'; message: string; hint: string | undefined };

export interface ModelPickerProps {
  path: string;
  state: ModelState;
  onPathChange(path: string): void;
  onUseTiny(): void;
  makingTiny: boolean;
}

function describeModel(check: ModelCheck): string {
  const parts = [check.modelType ?? 'unknown type', check.vision ? 'vision-language' : 'text only'];
  if (check.layers !== null) parts.push(`${check.layers} layers`);
  if (check.hiddenSize !== null) parts.push(`hidden ${check.hiddenSize}`);
  return parts.join(' · ');
}

export function ModelPicker({ path, state, onPathChange, onUseTiny, makingTiny }: ModelPickerProps) {
  const status = state.kind === 'checked' ? (state.check.ok ? 'ok' : 'invalid') : state.kind;
  return (
    <div className="stack model-picker" data-testid="model-picker" data-status={status}>
      <PathField
        label="Base model folder"
        kind="open-directory"
        value={path}
        onChange={onPathChange}
        placeholder="/models/Qwen2-VL-2B-Instruct"
        testId="model-path"
        dialogTitle="Choose a Hugging Face model folder"
      />
      <div className="row model-actions">
        <button type="button" className="button small" onClick={onUseTiny} disabled={makingTiny} data-testid="model-use-tiny">
          {makingTiny ? 'Making the tiny model…' : 'Use the tiny demo model'}
        </button>
        <span className="muted small">Never downloaded: a folder with config.json and weights on this machine.</span>
      </div>
      <div className="model-status small" data-testid="model-status" aria-live="polite">
        {state.kind === 'empty' && <span className="muted">No model chosen yet.</span>}
        {state.kind === 'checking' && <span className="muted">Checking the folder…</span>}
        {state.kind === 'error' && (
          <span className="danger">
            {state.message}
            {state.hint && <span className="muted"> {state.hint}</span>}
          </span>
        )}
        {state.kind === 'checked' && state.check.ok && (
          <span>
            <span className="ok-mark">✓</span> {describeModel(state.check)}
            {state.check.isTinyTestModel && (
              <span className="tag warn-tag" data-testid="model-tiny-label" title="Randomly initialised and a few layers deep: for trying the studio and for tests. It learns nothing useful.">
                tiny random test model
              </span>
            )}
          </span>
        )}
        {state.kind === 'checked' && !state.check.ok && (
          <ul className="problem-list danger">
            {(state.check.problems.length > 0 ? state.check.problems : ['This folder is not a model the worker can load.']).map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
