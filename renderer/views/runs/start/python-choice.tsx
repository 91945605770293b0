/**
 * Which Python trains: the repository's .venv by default, or an interpreter the person already
 * has (a conda env with a CUDA torch, a cluster module). Stored in the per-person settings.
 */
import { useEffect, useState } from 'react';
import { useStudioClient } from '../../../client/client-context';
import { PathField } from '../../../components/path-field';
import { toastError } from '../../../state/toast-store';

export function PythonChoice({ onChanged }: { onChanged(): void }) {
  const client = useStudioClient();
  const [saved, setSaved] = useState<string>('');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    client.invoke('environment.settings', {}).then(
      (settings) => {
        setSaved(settings.pythonPath ?? '');
        setValue(settings.pythonPath ?? '');
      },
      () => undefined,
    );
  }, [client]);

  async function save(next: string): Promise<void> {
    setBusy(true);
    try {
      const settings = await client.invoke('environment.updateSettings', { pythonPath: next.trim() === '' ? null : next.trim() });
      setSaved(settings.pythonPath ?? '');
      setValue(settings.pythonPath ?? '');
      onChanged();
    } catch (error) {
      toastError(error, 'Saving the Python interpreter');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="python-choice stack" data-testid="python-choice">
      <PathField
        label="Python interpreter (empty = the studio's .venv)"
        kind="open-file"
        value={value}
        onChange={setValue}
        placeholder="/opt/conda/envs/train/bin/python"
        testId="python-path"
        disabled={busy}
      />
      <div className="row">
        <button type="button" className="button small" disabled={busy || value.trim() === saved} onClick={() => void save(value)} data-testid="python-save">
          Use this Python
        </button>
        {saved !== '' && (
          <button type="button" className="button small" disabled={busy} onClick={() => void save('')}>
            Back to .venv
          </button>
        )}
      </div>
    </div>
  );
}
