/**
 * The annotator name: asked on first use (before the first judgment, and it cannot be dismissed
 * then), changeable later from the top bar. Stored per person by `environment.updateSettings`.
 * A team member's name comes from their invite link: shown, never editable (updateSettings is the
 * owner's), so the member's dialog only says who they are signed in as.
 */
import { useState, type FormEvent } from 'react';
import { useStudioClient } from '../client/client-context';
import { ModalDialog } from '../components/modal-dialog';
import { useSettingsStore } from '../state/settings-store';
import { isMember, useTeamStore } from '../state/team-store';
import { toastError, toastSuccess } from '../state/toast-store';

export function SettingsDialog({ firstUse }: { firstUse: boolean }) {
  const session = useTeamStore((state) => state.session);
  if (isMember(session.role)) return <MemberSettingsDialog />;
  return <OwnerSettingsDialog firstUse={firstUse} />;
}

/** What a member sees: their fixed name and role. */
function MemberSettingsDialog() {
  const session = useTeamStore((state) => state.session);
  const fallback = useSettingsStore((state) => state.settings.annotator);
  const close = useSettingsStore((state) => state.closeDialog);
  const name = session.name ?? fallback ?? '';
  return (
    <ModalDialog title="Settings" testId="settings-dialog" onClose={close}>
      <div className="stack">
        <p data-testid="member-signed-in">
          You are signed in as <strong>{name}</strong> ({session.role}). Names come from your invite link.
        </p>
        <div className="row end">
          <button type="button" className="button" data-autofocus onClick={close}>
            Close
          </button>
        </div>
      </div>
    </ModalDialog>
  );
}

function OwnerSettingsDialog({ firstUse }: { firstUse: boolean }) {
  const client = useStudioClient();
  const current = useSettingsStore((state) => state.settings.annotator);
  const close = useSettingsStore((state) => state.closeDialog);
  const [name, setName] = useState(current ?? '');
  const [saving, setSaving] = useState(false);
  const trimmed = name.trim();

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (!trimmed || saving) return;
    setSaving(true);
    try {
      const settings = await client.invoke('environment.updateSettings', { annotator: trimmed });
      useSettingsStore.getState().setSettings(settings);
      close();
      if (!firstUse && settings.annotator !== current) toastSuccess(`Judgments are now recorded as “${settings.annotator ?? trimmed}”.`);
    } catch (error) {
      toastError(error, 'Saving the annotator name');
    } finally {
      setSaving(false);
    }
  }

  return (
    <ModalDialog title={firstUse ? 'Who is annotating?' : 'Settings'} testId="settings-dialog" onClose={firstUse ? null : close}>
      <form className="stack" onSubmit={(event) => void submit(event)}>
        <p className="small muted">
          {firstUse
            ? 'Every judgment is recorded under your name, so several people can judge the same items and the agreement panel can compare them.'
            : 'Judgments you make from now on are recorded under this name; earlier ones keep the name they were made under.'}
        </p>
        <div className="field">
          <label className="field-label" htmlFor="annotator-name">
            Annotator name
          </label>
          <input
            id="annotator-name"
            className="input"
            type="text"
            maxLength={100}
            autoComplete="off"
            spellCheck={false}
            placeholder="e.g. alice"
            value={name}
            data-testid="annotator-name-input"
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <div className="row end">
          {!firstUse && (
            <button type="button" className="button" onClick={close}>
              Cancel
            </button>
          )}
          <button type="submit" className="button primary" disabled={!trimmed || saving} data-testid="annotator-name-save">
            {saving ? 'Saving…' : firstUse ? 'Start annotating' : 'Save'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
