/**
 * Guidelines (owner): Markdown with a live preview. Saving makes a new version; judgments made
 * from then on record it, and members are asked to read it again.
 */
import { useEffect, useId, useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { formatDateTime } from '../../components/format';
import { MarkdownText } from '../../components/markdown-text';
import { Panel } from '../../components/panel';
import { toastError, toastSuccess } from '../../state/toast-store';
import { GuidelinesHistory } from './guidelines-history';
import { useTeamData } from './use-team-data';
import type { Guidelines } from './team-types';

export const GUIDELINES_MAX_CHARS = 200_000;

function CurrentVersion({ current }: { current: Guidelines | null }) {
  return current ? (
    <span className="small muted" data-testid="team-guidelines-version">
      v{current.version} · {formatDateTime(current.createdAt)}
    </span>
  ) : (
    <span className="small muted" data-testid="team-guidelines-version">
      none yet
    </span>
  );
}

export function GuidelinesPanel() {
  const client = useStudioClient();
  const textId = useId();
  const current = useTeamData('team.guidelines', { team: ['guidelines'] });
  const history = useTeamData('team.guidelinesHistory', { team: ['guidelines'] });
  const [text, setText] = useState<string | null>(null);
  const [edited, setEdited] = useState(false);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (current.data !== undefined && !edited) setText(current.data?.markdown ?? '');
  }, [current.data, edited]);

  const currentGuidelines = current.data ?? null;
  const nextVersion = (currentGuidelines?.version ?? 0) + 1;
  const unchanged = text === null || text === (currentGuidelines?.markdown ?? '');
  const tooLong = (text?.length ?? 0) > GUIDELINES_MAX_CHARS;

  async function save(): Promise<void> {
    if (text === null) return;
    setSaving(true);
    try {
      const saved = await client.invoke('team.setGuidelines', { markdown: text });
      current.replace(saved);
      setEdited(false);
      history.reload();
      toastSuccess(`Guidelines v${saved.version} saved; members are asked to read them.`);
    } catch (failure) {
      toastError(failure, 'Saving the guidelines');
    } finally {
      setSaving(false);
    }
  }

  return (
    <Panel title="Guidelines" testId="team-guidelines" aside={current.data !== undefined ? <CurrentVersion current={currentGuidelines} /> : undefined}>
      {current.error && text === null ? (
        <p className="small danger">
          Could not read the guidelines: {current.error.message}{' '}
          <button type="button" className="button small" onClick={current.reload}>
            Try again
          </button>
        </p>
      ) : text === null ? (
        <p className="small muted">Loading the guidelines…</p>
      ) : (
        <div className="stack">
          <div className="team-guidelines-editor">
            <div className="field">
              <label className="field-label" htmlFor={textId}>
                Markdown
              </label>
              <textarea
                id={textId}
                className="input mono team-guidelines-input"
                value={text}
                disabled={saving}
                placeholder={'# What a good answer is\n\n- Prefer the response that …'}
                data-testid="team-guidelines-input"
                onChange={(event) => {
                  setText(event.target.value);
                  setEdited(true);
                }}
              />
            </div>
            <div className="field">
              <span className="field-label">Preview</span>
              <div className="team-guidelines-preview" data-testid="team-guidelines-preview" tabIndex={0} aria-label="Guidelines preview">
                {text.trim() === '' ? <p className="small muted">Nothing written yet.</p> : <MarkdownText text={text} className="team-guidelines-text" />}
              </div>
            </div>
          </div>
          {tooLong && <p className="small danger">The guidelines are limited to {GUIDELINES_MAX_CHARS.toLocaleString()} characters.</p>}
          <div className="row end">
            <span className="small muted grow">Members see each new version before their next judgment; their judgments record the version they followed.</span>
            {edited && !unchanged && (
              <button type="button" className="button" disabled={saving} onClick={() => setEdited(false)}>
                Discard changes
              </button>
            )}
            <button type="button" className="button primary" disabled={saving || unchanged || tooLong} data-testid="team-guidelines-save" onClick={() => void save()}>
              {saving ? 'Saving…' : `Save as version ${nextVersion}`}
            </button>
          </div>
          {history.data && <GuidelinesHistory versions={history.data} />}
        </div>
      )}
    </Panel>
  );
}
