/** A free-text note on the current item (`n`); Ctrl/⌘+Enter saves, an empty note removes it. */
import { useState, type FormEvent } from 'react';
import { ModalDialog } from '../../components/modal-dialog';

export interface NoteDialogProps {
  itemId: string;
  initial: string | null;
  onSave(note: string | null): Promise<void>;
  onClose(): void;
}

export function NoteDialog({ itemId, initial, onSave, onClose }: NoteDialogProps) {
  const [text, setText] = useState(initial ?? '');
  const [saving, setSaving] = useState(false);

  async function submit(event?: FormEvent): Promise<void> {
    event?.preventDefault();
    setSaving(true);
    try {
      await onSave(text.trim() ? text : null);
      onClose();
    } finally {
      setSaving(false);
    }
  }

  return (
    <ModalDialog title={`Note on ${itemId}`} testId="note-dialog" onClose={onClose}>
      <form className="stack" onSubmit={(event) => void submit(event)}>
        <textarea
          className="input textarea"
          rows={5}
          value={text}
          placeholder="What is odd about this item? (visible in Items and kept with the project)"
          data-testid="note-input"
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void submit();
          }}
        />
        <div className="row end">
          <span className="small muted grow">
            <kbd>Ctrl</kbd>+<kbd>Enter</kbd> saves · <kbd>Esc</kbd> cancels
          </span>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={saving} data-testid="note-save">
            {saving ? 'Saving…' : 'Save note'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
