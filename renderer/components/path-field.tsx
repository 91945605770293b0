/**
 * A file or folder path typed by hand, with a native "Browse…" button when the host has dialogs
 * (the desktop app). In a browser tab the server reads paths on its own machine, so a typed path
 * is the honest interface there.
 */
import { useId } from 'react';
import { useStudioClient } from '../client/client-context';
import { useProjectStore } from '../state/project-store';
import { toastError } from '../state/toast-store';

export type PathKind = 'open-file' | 'save-file' | 'open-directory';

export interface PathFieldProps {
  label: string;
  value: string;
  onChange(value: string): void;
  kind: PathKind;
  placeholder?: string;
  testId: string;
  dialogTitle?: string;
  filters?: { name: string; extensions: string[] }[];
  disabled?: boolean;
  autoFocus?: boolean;
}

export function PathField(props: PathFieldProps) {
  const id = useId();
  const client = useStudioClient();
  const nativeDialogs = useProjectStore((state) => state.environment?.nativeDialogs ?? false);

  async function browse(): Promise<void> {
    try {
      const { path } = await client.invoke('environment.pickPath', {
        kind: props.kind,
        title: props.dialogTitle ?? props.label,
        defaultPath: props.value || undefined,
        filters: props.filters,
      });
      if (path) props.onChange(path);
    } catch (error) {
      toastError(error, 'Opening the file dialog');
    }
  }

  return (
    <div className="field">
      <label htmlFor={id} className="field-label">
        {props.label}
      </label>
      <div className="path-field">
        <input
          id={id}
          className="input mono"
          type="text"
          spellCheck={false}
          autoComplete="off"
          value={props.value}
          placeholder={props.placeholder}
          disabled={props.disabled}
          autoFocus={props.autoFocus}
          data-testid={props.testId}
          onChange={(event) => props.onChange(event.target.value)}
        />
        {nativeDialogs && (
          <button type="button" className="button" disabled={props.disabled} data-testid={`${props.testId}-browse`} onClick={() => void browse()}>
            Browse…
          </button>
        )}
      </div>
    </div>
  );
}
