/**
 * One conflicting item: its image, query and responses (stored order, letters A, B, …), every
 * annotator's ranking, and one button per distinct ranking to make it final. The adjudicated
 * ranking is what export writes as `human_ranking`.
 */

type ConflictItem = CommandResult<'judgments.conflicts'>['items'][number];
import { useStudioClient } from '../../client/client-context';
import { MarkdownText } from '../../components/markdown-text';
import { rankingOrderText, responseLetter } from '../items/ranking-display';
import type { CommandResult } from '../../client/contract-types';

export interface ConflictCardProps {
  conflict: ConflictItem;
  busy: boolean;
  onAdjudicate(itemId: string, ranking: number[]): void;
}

function sameRanking(a: readonly number[] | undefined, b: readonly number[]): boolean {
  return a !== undefined && a.length === b.length && a.every((value, index) => value === b[index]);
}

export function ConflictCard({ conflict, busy, onAdjudicate }: ConflictCardProps) {
  const client = useStudioClient();
  const { item, responses, judgments, adjudication } = conflict;
  const options: { ranking: number[]; who: string[] }[] = [];
  for (const judgment of judgments) {
    if (judgment.source === 'adjudication') continue;
    const existing = options.find((option) => sameRanking(option.ranking, judgment.ranking));
    if (existing) existing.who.push(judgment.annotator);
    else options.push({ ranking: judgment.ranking, who: [judgment.annotator] });
  }
  return (
    <article className="conflict-card" data-testid="conflict-item" data-item-id={item.id}>
      <div className="conflict-thumb">
        {item.thumb ? <img src={client.mediaUrl(item.thumb)} alt="" width={72} height={72} loading="lazy" /> : <span className="thumb-empty">Aa</span>}
      </div>
      <div className="conflict-main">
        <header className="conflict-head">
          <span className="mono">{item.id}</span>
          <span className={`split-badge split-${item.split}`}>{item.split}</span>
          {adjudication && (
            <span className="tag" data-testid="conflict-adjudicated">
              final: {rankingOrderText(adjudication.ranking)} by {adjudication.annotator}
            </span>
          )}
        </header>
        <MarkdownText text={item.query} className="conflict-query" />
        <ol className="conflict-responses">
          {responses.map((text, index) => (
            <li key={index}>
              <span className="response-letter">{responseLetter(index)}</span>
              <MarkdownText text={text} className="conflict-response-text" />
            </li>
          ))}
        </ol>
      </div>
      <div className="conflict-options">
        {options.map((option) => {
          const chosen = sameRanking(adjudication?.ranking, option.ranking);
          return (
            <button
              key={option.ranking.join(',')}
              type="button"
              className={chosen ? 'button small primary' : 'button small'}
              disabled={busy}
              data-testid="adjudicate-option"
              data-ranking={JSON.stringify(option.ranking)}
              title={`Make ${rankingOrderText(option.ranking)} the final ranking`}
              onClick={() => onAdjudicate(item.id, option.ranking)}
            >
              <span className="mono">{rankingOrderText(option.ranking)}</span>
              <span className="muted">{option.who.join(', ')}</span>
            </button>
          );
        })}
      </div>
    </article>
  );
}
