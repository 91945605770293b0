/** The current guidelines as a reviewer sees them: read-only. */
import { formatDateTime } from '../../components/format';
import { MarkdownText } from '../../components/markdown-text';
import { Panel } from '../../components/panel';
import { useTeamData } from './use-team-data';

export function GuidelinesReadOnly() {
  const current = useTeamData('team.guidelines', { team: ['guidelines'] });
  const guidelines = current.data ?? null;
  return (
    <Panel
      title="Guidelines"
      testId="team-guidelines-read"
      aside={guidelines ? <span className="small muted" data-testid="team-guidelines-version">v{guidelines.version} · {formatDateTime(guidelines.createdAt)}</span> : undefined}
    >
      {current.error ? (
        <p className="small danger">Could not read the guidelines: {current.error.message}</p>
      ) : current.data === undefined ? (
        <p className="small muted">Loading the guidelines…</p>
      ) : guidelines === null || guidelines.markdown.trim() === '' ? (
        <p className="small muted">The owner has not written guidelines yet.</p>
      ) : (
        <MarkdownText text={guidelines.markdown} className="team-guidelines-text" />
      )}
    </Panel>
  );
}
