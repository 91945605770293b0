/**
 * What to do with the selected rows: set their split, flag or unflag them, delete them (after a
 * confirmation that says how many and that their judgments go too). Selections are resolved to
 * ids only here, page by page, because "all matching" can be 100k rows never loaded.
 */
import { useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { formatCount } from '../../components/format';
import { ModalDialog } from '../../components/modal-dialog';
import { useProjectStore } from '../../state/project-store';
import { toastError, toastSuccess } from '../../state/toast-store';
import type { Split } from '../../client/contract-types';

/** Ids per write: well under the contract's 100k, so one call never holds the store for long. */
const WRITE_CHUNK = 20_000;

export interface BulkActionBarProps {
  count: number;
  total: number;
  allMatching: boolean;
  resolveIds(): Promise<string[]>;
  onSelectAll(): void;
  onClear(): void;
}

type BulkAction = { kind: 'split'; split: Split } | { kind: 'flag'; flagged: boolean } | { kind: 'delete' };

function describe(action: BulkAction): string {
  switch (action.kind) {
    case 'split':
      return `Moving to ${action.split}`;
    case 'flag':
      return action.flagged ? 'Flagging' : 'Unflagging';
    case 'delete':
      return 'Deleting';
  }
}

export function BulkActionBar({ count, total, allMatching, resolveIds, onSelectAll, onClear }: BulkActionBarProps) {
  const client = useStudioClient();
  const [busy, setBusy] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);

  async function run(action: BulkAction): Promise<void> {
    setBusy(describe(action));
    try {
      const ids = await resolveIds();
      let changed = 0;
      for (let at = 0; at < ids.length; at += WRITE_CHUNK) {
        const chunk = ids.slice(at, at + WRITE_CHUNK);
        if (chunk.length === 0) break;
        if (action.kind === 'split') changed += (await client.invoke('items.setSplit', { ids: chunk, split: action.split })).updated;
        else if (action.kind === 'flag') changed += (await client.invoke('items.setFlag', { ids: chunk, flagged: action.flagged })).updated;
        else changed += (await client.invoke('items.delete', { ids: chunk })).deleted;
      }
      // Counts changed: refetch the summary (it also refreshes the table through the revision).
      useProjectStore.getState().setProject(await client.invoke('projects.current', {}));
      toastSuccess(`${describe(action)} done: ${formatCount(changed)} ${changed === 1 ? 'item' : 'items'}.`);
      if (action.kind === 'delete') onClear();
    } catch (error) {
      toastError(error, describe(action));
    } finally {
      setBusy(null);
      setConfirmDelete(false);
    }
  }

  if (count === 0) return null;
  return (
    <div className="bulk-bar" data-testid="bulk-bar">
      <span className="small" data-testid="bulk-count">
        <strong>{formatCount(count)}</strong> selected
      </span>
      {!allMatching && count < total && (
        <button type="button" className="button small" data-testid="bulk-select-all" onClick={onSelectAll}>
          Select all {formatCount(total)} matching
        </button>
      )}
      <span className="grow" />
      {busy ? (
        <span className="small muted">{busy}…</span>
      ) : (
        <>
          <select
            className="select compact"
            value=""
            aria-label="Set split"
            data-testid="bulk-split"
            onChange={(event) => {
              const split = event.target.value as Split | '';
              if (split) void run({ kind: 'split', split });
            }}
          >
            <option value="">Set split…</option>
            <option value="train">train</option>
            <option value="val">val</option>
            <option value="test">test</option>
          </select>
          <button type="button" className="button small" data-testid="bulk-flag" onClick={() => void run({ kind: 'flag', flagged: true })}>
            ⚑ Flag
          </button>
          <button type="button" className="button small" data-testid="bulk-unflag" onClick={() => void run({ kind: 'flag', flagged: false })}>
            Unflag
          </button>
          <button type="button" className="button small danger-outline" data-testid="bulk-delete" onClick={() => setConfirmDelete(true)}>
            Delete…
          </button>
          <button type="button" className="button small" aria-label="Clear the selection" onClick={onClear}>
            ×
          </button>
        </>
      )}
      {confirmDelete && (
        <ModalDialog title={`Delete ${formatCount(count)} ${count === 1 ? 'item' : 'items'}?`} testId="bulk-delete-confirm" onClose={() => setConfirmDelete(false)}>
          <div className="stack">
            <p className="small">
              The items, their responses and every judgment on them leave the project. Images stay in media/ while other items use them. Importing
              the same rows again brings the items back, but not the judgments made here.
            </p>
            <div className="row end">
              <button type="button" className="button" data-autofocus onClick={() => setConfirmDelete(false)}>
                Cancel
              </button>
              <button type="button" className="button danger" disabled={busy !== null} data-testid="bulk-delete-confirm-button" onClick={() => void run({ kind: 'delete' })}>
                Delete {formatCount(count)}
              </button>
            </div>
          </div>
        </ModalDialog>
      )}
    </div>
  );
}
