/**
 * The line above the image: which item, its split, flag and note (with their keys), and what the
 * annotator already said about it, in screen letters (the stored order is never shown here).
 */
import { responseLetter } from '../items/ranking-display';
import type { QueueItem } from './annotation-session';
import type { Judgment } from '../../client/contract-types';

function screenOrderText(ranking: readonly number[], order: readonly number[]): string {
  const byRank = new Map<number, string[]>();
  order.forEach((original, position) => {
    const rank = ranking[original];
    if (rank === undefined) return;
    byRank.set(rank, [...(byRank.get(rank) ?? []), responseLetter(position)]);
  });
  return [...byRank.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, letters]) => letters.join(' = '))
    .join(' > ');
}

export interface ItemStripProps {
  item: QueueItem;
  mine: Judgment | null;
  order: number[];
  onNote(): void;
  onFlag(): void;
}

export function ItemStrip({ item, mine, order, onNote, onFlag }: ItemStripProps) {
  const others = new Set(item.judgments.filter((judgment) => judgment.source !== 'adjudication' && judgment.annotator !== mine?.annotator).map((judgment) => judgment.annotator));
  return (
    <header className="item-strip">
      <span className="mono item-strip-id" title={item.id} data-testid="annotate-item-id">
        {item.id}
      </span>
      <span className={`split-badge split-${item.split}`}>{item.split}</span>
      <button
        type="button"
        tabIndex={-1}
        className={item.flagged ? 'chip flagged' : 'chip'}
        aria-pressed={item.flagged}
        data-testid="annotate-flag"
        onClick={onFlag}
      >
        ⚑ {item.flagged ? 'Flagged' : 'Flag'} <kbd>F</kbd>
      </button>
      <button type="button" tabIndex={-1} className={item.note ? 'chip noted' : 'chip'} title={item.note ?? undefined} data-testid="annotate-note" onClick={onNote}>
        ✎ {item.note ? 'Note' : 'Add note'} <kbd>N</kbd>
      </button>
      <span className="grow" />
      <span className="small muted item-strip-judged" data-testid="annotate-mine">
        {mine ? (
          <>
            You: <strong className="mono">{mine.decision === 'both_bad' ? 'both bad' : screenOrderText(mine.ranking, order)}</strong>
            {mine.strength === 'clearly' ? ' (clearly)' : ''}
          </>
        ) : (
          'Not judged by you'
        )}
        {others.size > 0 && ` · ${others.size} other${others.size === 1 ? '' : 's'}`}
      </span>
    </header>
  );
}
