/** Go to an item by its id (`g`); it is shown next in the queue, whatever the filters. */
import { useState, type FormEvent } from 'react';
import { ModalDialog } from '../../components/modal-dialog';

export interface JumpDialogProps {
  onJump(id: string): Promise<boolean>;
  onClose(): void;
}

export function JumpDialog({ onJump, onClose }: JumpDialogProps) {
  const [id, setId] = useState('');
  const [busy, setBusy] = useState(false);
  const [missing, setMissing] = useState<string | null>(null);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    const wanted = id.trim();
    if (!wanted) return;
    setBusy(true);
    setMissing(null);
    try {
      if (await onJump(wanted)) onClose();
      else setMissing(wanted);
    } finally {
      setBusy(false);
    }
  }

  return (
    <ModalDialog title="Go to item" testId="jump-dialog" onClose={onClose}>
      <form className="stack" onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label className="field-label" htmlFor="jump-id">
            Item id
          </label>
          <input
            id="jump-id"
            className="input mono"
            type="text"
            autoComplete="off"
            spellCheck={false}
            value={id}
            placeholder="e.g. shape-00042"
            data-testid="jump-input"
            onChange={(event) => setId(event.target.value)}
          />
        </div>
        {missing && (
          <p className="small danger" data-testid="jump-missing">
            No item “{missing}” in this project. Ids are exact (case matters); the Items view can search by text.
          </p>
        )}
        <div className="row end">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={!id.trim() || busy} data-testid="jump-submit">
            {busy ? 'Looking…' : 'Go'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
