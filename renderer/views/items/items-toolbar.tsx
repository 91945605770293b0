import { forwardRef } from 'react';
import { formatCount } from '../../components/format';
import { SearchField } from '../../components/search-field';
import type { ItemFilters } from './use-item-window';
import type { Split } from '../../client/contract-types';

export interface ItemsToolbarProps {
  filters: ItemFilters;
  onChange(filters: ItemFilters): void;
  total: number | null;
}

const SPLIT_CHOICES: readonly (Split | 'all')[] = ['all', 'train', 'val', 'test'];
const STATUS_CHOICES: readonly ItemFilters['status'][] = ['all', 'labeled', 'unlabeled'];

export const ItemsToolbar = forwardRef<HTMLInputElement, ItemsToolbarProps>(function ItemsToolbar({ filters, onChange, total }, searchRef) {
  return (
    <div className="items-toolbar" data-testid="items-toolbar">
      <SearchField
        ref={searchRef}
        label="Search items"
        testId="items-search"
        value={filters.search}
        onChange={(search) => onChange({ ...filters, search })}
      />
      <div className="segmented" role="group" aria-label="Split">
        {SPLIT_CHOICES.map((split) => (
          <button
            key={split}
            type="button"
            className={filters.split === split ? 'segment active' : 'segment'}
            aria-pressed={filters.split === split}
            data-testid={`items-filter-split-${split}`}
            onClick={() => onChange({ ...filters, split })}
          >
            {split}
          </button>
        ))}
      </div>
      <div className="segmented" role="group" aria-label="Status">
        {STATUS_CHOICES.map((status) => (
          <button
            key={status}
            type="button"
            className={filters.status === status ? 'segment active' : 'segment'}
            aria-pressed={filters.status === status}
            data-testid={`items-filter-status-${status}`}
            onClick={() => onChange({ ...filters, status })}
          >
            {status}
          </button>
        ))}
      </div>
      <button
        type="button"
        className={filters.flagged === 'flagged' ? 'segment-toggle active' : 'segment-toggle'}
        aria-pressed={filters.flagged === 'flagged'}
        data-testid="items-filter-flagged"
        onClick={() => onChange({ ...filters, flagged: filters.flagged === 'flagged' ? 'all' : 'flagged' })}
      >
        ⚑ flagged
      </button>
      <span className="items-total muted small" data-testid="items-total">
        {total === null ? '…' : `${formatCount(total)} ${total === 1 ? 'item' : 'items'}`}
      </span>
    </div>
  );
});
