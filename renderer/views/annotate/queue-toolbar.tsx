/** The queue's filters and where the person is in it. */
import { forwardRef, type ReactNode } from 'react';
import { formatCount } from '../../components/format';
import { SearchField } from '../../components/search-field';
import { PendingBadge } from './pending-badge';
import { JUDGED_LABELS, ORDER_LABELS, type JudgedFilter, type QueueFilters, type QueueOrder } from './queue-filters';
import type { Split } from '../../client/contract-types';

export interface QueueToolbarProps {
  filters: QueueFilters;
  onChange(filters: QueueFilters): void;
  /** After a list or button choice: give focus back to the workspace. */
  onDone?(): void;
  position: number;
  total: number | null;
  decided: number;
  saving: number;
  annotator: string;
  onHelp(): void;
  /** Model in the loop: the scores switch and "score the queue" (a team member: their own progress). */
  modelControls?: ReactNode;
  /** A team member: no "uncertain first" order (it reads the owner's evaluations), and the name is theirs for good. */
  member?: boolean;
}

const SPLITS: readonly (Split | 'all')[] = ['all', 'train', 'val', 'test'];
const JUDGED: readonly JudgedFilter[] = ['not-by-me', 'any', 'by-me', 'by-others', 'conflicting'];
const ORDERS: readonly QueueOrder[] = ['queue', 'uncertain'];

export const QueueToolbar = forwardRef<HTMLInputElement, QueueToolbarProps>(function QueueToolbar(props, searchRef) {
  const { filters, position, total, decided, saving, annotator, onHelp, modelControls, member } = props;
  // A choice from a list or a split button hands the keys back to the workspace: a focused
  // <select> would take the next judging key (a, b, t…) as type-ahead and change the filter.
  const choose = (next: QueueFilters) => {
    props.onChange(next);
    props.onDone?.();
  };
  return (
    <div className="queue-toolbar" data-testid="queue-toolbar">
      <div className="segmented" role="group" aria-label="Split">
        {SPLITS.map((split) => (
          <button
            key={split}
            type="button"
            tabIndex={-1}
            className={filters.split === split ? 'segment active' : 'segment'}
            aria-pressed={filters.split === split}
            data-testid={`queue-split-${split}`}
            onClick={() => choose({ ...filters, split })}
          >
            {split}
          </button>
        ))}
      </div>
      <select
        className="select compact"
        aria-label="Judged"
        value={filters.judged}
        data-testid="queue-judged"
        onChange={(event) => choose({ ...filters, judged: event.target.value as JudgedFilter })}
      >
        {JUDGED.map((value) => (
          <option key={value} value={value}>
            {JUDGED_LABELS[value]}
          </option>
        ))}
      </select>
      <select
        className="select compact"
        aria-label="Flagged"
        value={filters.flagged}
        data-testid="queue-flagged"
        onChange={(event) => choose({ ...filters, flagged: event.target.value as QueueFilters['flagged'] })}
      >
        <option value="all">Flagged or not</option>
        <option value="flagged">Flagged only</option>
        <option value="unflagged">Not flagged</option>
      </select>
      {!member && <select
        className="select compact"
        aria-label="Order"
        value={filters.order}
        data-testid="queue-order"
        title="Most uncertain first: the items whose two best responses the newest checkpoint scores closest come first"
        onChange={(event) => choose({ ...filters, order: event.target.value as QueueOrder })}
      >
        {ORDERS.map((value) => (
          <option key={value} value={value}>
            {ORDER_LABELS[value]}
          </option>
        ))}
      </select>}
      <SearchField
        ref={searchRef} className="compact"
        label="Search the queue"
        testId="queue-search"
        value={filters.search}
        onChange={(search) => props.onChange({ ...filters, search })}
      />
      <span className="grow" />
      {modelControls}
      <span className="queue-progress small muted" data-testid="queue-progress">
        {/* A member's list is what is handed to them right now (it grows as they go): no "n of N". */}
        {!member && (
          <>
            {total === null ? '…' : total === 0 ? '0 items' : `${formatCount(Math.min(position + 1, total))} of ${formatCount(total)}`}
            {' · '}
          </>
        )}
        <span data-testid="queue-decided">{formatCount(decided)}</span> judged now
        {saving > 0 && <span className="saving-dot" title="Saving…" data-testid="queue-saving" />}
      </span>
      <PendingBadge />
      <span className="queue-annotator small" title={member ? 'Judgments are recorded under your name from your invite link' : 'Judgments are recorded under this name (change it in Settings)'}>
        as <strong data-testid="queue-annotator">{annotator}</strong>
      </span>
      <button type="button" tabIndex={-1} className="button small" data-testid="shortcuts-open" onClick={onHelp}>
        Keys <kbd>?</kbd>
      </button>
    </div>
  );
});
