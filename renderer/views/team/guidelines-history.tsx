/** Earlier versions of the guidelines, folded away: each opens to its text. */
import { formatDateTime } from '../../components/format';
import { MarkdownText } from '../../components/markdown-text';
import type { Guidelines } from './team-types';

export function GuidelinesHistory({ versions }: { versions: readonly Guidelines[] }) {
  if (versions.length === 0) return null;
  const newestFirst = [...versions].sort((a, b) => b.version - a.version);
  return (
    <details className="team-history" data-testid="team-guidelines-history">
      <summary className="small">
        History ({versions.length} {versions.length === 1 ? 'version' : 'versions'})
      </summary>
      <ol className="team-history-list">
        {newestFirst.map((entry) => (
          <li key={entry.version}>
            <details>
              <summary className="small">
                v{entry.version} · <span className="muted">{formatDateTime(entry.createdAt)}</span>
              </summary>
              {entry.markdown.trim() === '' ? <p className="small muted">(empty)</p> : <MarkdownText text={entry.markdown} className="team-guidelines-text" />}
            </details>
          </li>
        ))}
      </ol>
    </details>
  );
}
