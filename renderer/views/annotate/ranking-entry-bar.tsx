/**
 * Ranking three or more responses: the ranks typed so far, the order they make ("B > A = C"),
 * and what Enter will do. Ranks are typed in screen order; the same number twice is a tie.
 */
import { responseLetter } from '../items/ranking-display';
import { placesInOrder } from './ranking-from-decision';

export interface RankingEntryBarProps {
  ranks: readonly (number | null)[];
  saved: boolean;
  disabled: boolean;
  onCommit(): void;
  onClear(): void;
  onSkip(): void;
}

export function RankingEntryBar({ ranks, saved, disabled, onCommit, onClear, onSkip }: RankingEntryBarProps) {
  const next = ranks.findIndex((rank) => rank === null);
  const complete = next === -1;
  const order = placesInOrder(ranks)
    .map((positions) => positions.map(responseLetter).join(' = '))
    .join(' > ');
  return (
    <div className="decision-bar ranking" role="group" aria-label="Ranking" data-testid="ranking-entry-bar">
      <span className="ranking-prompt small">
        {complete ? (
          <>
            Order <strong className="mono" data-testid="ranking-order">{order}</strong>
            {saved && <span className="tag">saved</span>}
          </>
        ) : (
          <>
            Rank of <strong>{responseLetter(next)}</strong>: type <kbd>1</kbd>…<kbd>{Math.min(9, ranks.length)}</kbd>
            {order && (
              <span className="muted mono" data-testid="ranking-order">
                {' '}
                · {order}
              </span>
            )}
          </>
        )}
      </span>
      <span className="grow" />
      <button type="button" tabIndex={-1} className="decision" disabled={disabled || ranks.every((rank) => rank === null)} onClick={onClear}>
        <span className="decision-label">Clear</span>
        <kbd>Esc</kbd>
      </button>
      <button type="button" tabIndex={-1} className="decision primary" disabled={disabled || !complete} data-testid="ranking-commit" onClick={onCommit}>
        <span className="decision-label">Save ranking</span>
        <kbd>Enter</kbd>
      </button>
      <span className="decision-sep" aria-hidden="true" />
      <button type="button" tabIndex={-1} className="decision skip" disabled={disabled} data-testid="decide-skip" onClick={onSkip}>
        <span className="decision-label">Skip</span>
        <kbd>S</kbd>
      </button>
    </div>
  );
}
