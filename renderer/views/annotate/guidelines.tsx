/**
 * The team's annotation guidelines (`team.guidelines`, Markdown): a collapsible panel beside the
 * Annotate workspace, and for a member the modal that asks them to read a version they have not
 * accepted yet (`team.acceptGuidelines`) — on first sign-in and after each new version.
 */
import { useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { MarkdownText } from '../../components/markdown-text';
import { ModalDialog } from '../../components/modal-dialog';
import { guidelinesUnread, useTeamStore } from '../../state/team-store';
import { toastError } from '../../state/toast-store';

const COLLAPSED_KEY = 'reward-studio.guidelines-collapsed';

function readCollapsed(fallback: boolean): boolean {
  try {
    const stored = window.localStorage.getItem(COLLAPSED_KEY);
    return stored === null ? fallback : stored === 'true';
  } catch {
    return fallback;
  }
}

/** Beside the workspace while guidelines exist; open at first for members, folded for the owner. */
export function GuidelinesPanel({ member }: { member: boolean }) {
  const guidelines = useTeamStore((state) => state.guidelines);
  const [collapsed, setCollapsedState] = useState(() => readCollapsed(!member));
  if (!guidelines) return null;

  function setCollapsed(value: boolean): void {
    setCollapsedState(value);
    try {
      window.localStorage.setItem(COLLAPSED_KEY, String(value));
    } catch {
      // Not remembered across reloads; the panel still folds.
    }
  }

  if (collapsed) {
    return (
      <aside className="guidelines-panel collapsed" data-testid="guidelines-panel" data-collapsed="true">
        <button
          type="button"
          tabIndex={-1}
          className="guidelines-tab"
          title="Show the guidelines"
          data-testid="guidelines-toggle"
          onClick={(event) => {
            setCollapsed(false);
            event.currentTarget.blur();
          }}
        >
          Guidelines
        </button>
      </aside>
    );
  }
  return (
    <aside className="guidelines-panel" aria-label="Guidelines" data-testid="guidelines-panel" data-collapsed="false">
      <header className="guidelines-header">
        <strong>Guidelines</strong>
        <span className="small muted" data-testid="guidelines-version">
          version {guidelines.version}
        </span>
        <span className="grow" />
        <button
          type="button"
          tabIndex={-1}
          className="button small"
          title="Fold the guidelines away"
          data-testid="guidelines-toggle"
          onClick={(event) => {
            setCollapsed(true);
            event.currentTarget.blur();
          }}
        >
          Hide
        </button>
      </header>
      <div className="guidelines-body">
        <MarkdownText text={guidelines.markdown} />
      </div>
    </aside>
  );
}

/** A member with a guidelines version they have not accepted: read them first (cannot be dismissed). */
export function GuidelinesGate() {
  const client = useStudioClient();
  const session = useTeamStore((state) => state.session);
  const guidelines = useTeamStore((state) => state.guidelines);
  const [accepting, setAccepting] = useState(false);
  if (!guidelinesUnread(session) || !guidelines) return null;

  async function accept(version: number): Promise<void> {
    setAccepting(true);
    try {
      useTeamStore.getState().setSession(await client.invoke('team.acceptGuidelines', { version }));
    } catch (error) {
      toastError(error, 'Accepting the guidelines');
    } finally {
      setAccepting(false);
    }
  }

  const updated = session.guidelinesSeen !== null;
  return (
    <ModalDialog title={updated ? 'The guidelines changed' : 'Guidelines'} testId="guidelines-modal" onClose={null} wide>
      <div className="stack">
        <p className="small muted">
          {updated
            ? `Version ${guidelines.version} replaces the version ${session.guidelinesSeen} you read. Please read them before you go on.`
            : `Please read how to judge in this project (version ${guidelines.version}). They stay beside the queue in Annotate.`}
        </p>
        <div className="guidelines-modal-body">
          <MarkdownText text={guidelines.markdown} />
        </div>
        <div className="row end">
          <button
            type="button"
            className="button primary"
            data-autofocus
            disabled={accepting}
            data-testid="guidelines-accept"
            onClick={() => void accept(guidelines.version)}
          >
            {accepting ? 'Saving…' : 'I have read the guidelines'}
          </button>
        </div>
      </div>
    </ModalDialog>
  );
}
