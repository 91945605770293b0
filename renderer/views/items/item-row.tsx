import { memo, type MouseEvent } from 'react';
import { useStudioClient } from '../../client/client-context';
import type { ItemSummary } from '../../client/contract-types';

/** Fixed, so the virtual table places rows by arithmetic and never measures them. */
export const ITEM_ROW_HEIGHT = 52;

export type RowClick = 'only' | 'toggle' | 'extend';

export interface ItemRowProps {
  item: ItemSummary | undefined;
  index: number;
  /** The row whose detail is shown. */
  current: boolean;
  /** Part of the multi-selection (bulk actions). */
  checked: boolean;
  onClick(index: number, id: string, how: RowClick): void;
}

function Thumb({ item }: { item: ItemSummary }) {
  const client = useStudioClient();
  if (!item.thumb) {
    return (
      <span className="thumb thumb-empty" role="gridcell" title="No image">
        Aa
      </span>
    );
  }
  return (
    <span className="thumb" role="gridcell">
      <img src={client.mediaUrl(item.thumb)} alt="" width={40} height={40} loading="lazy" decoding="async" draggable={false} data-testid="item-thumb" />
      {item.imageCount > 1 && <span className="thumb-count">{item.imageCount}</span>}
    </span>
  );
}

function clickKind(event: MouseEvent): RowClick {
  if (event.shiftKey) return 'extend';
  if (event.ctrlKey || event.metaKey) return 'toggle';
  return 'only';
}

/** One table row: thumbnail, query and id, responses, status, split, annotators, flag. */
export const ItemRow = memo(function ItemRow({ item, index, current, checked, onClick }: ItemRowProps) {
  const top = index * ITEM_ROW_HEIGHT;
  if (!item) {
    return (
      <div className="item-row placeholder" style={{ top }} aria-hidden="true">
        <span className="row-check" />
        <span className="thumb thumb-empty" />
        <span className="skeleton" />
      </div>
    );
  }
  const classes = ['item-row'];
  if (current) classes.push('selected');
  if (checked) classes.push('checked');
  return (
    <div
      className={classes.join(' ')}
      style={{ top }}
      role="row"
      aria-selected={checked}
      data-testid="item-row"
      data-item-id={item.id}
      data-status={item.status}
      data-response-count={item.responseCount}
      data-checked={checked ? 'true' : 'false'}
      onMouseDown={(event) => {
        // Shift-click would otherwise select the page's text.
        if (event.shiftKey) event.preventDefault();
      }}
      onClick={(event) => onClick(index, item.id, clickKind(event))}
    >
      <span className="row-check" role="gridcell">
        <input
          type="checkbox"
          checked={checked}
          tabIndex={-1}
          aria-label={`Select ${item.id}`}
          data-testid="item-check"
          onClick={(event) => {
            event.stopPropagation();
            onClick(index, item.id, event.shiftKey ? 'extend' : 'toggle');
          }}
          onChange={() => {}}
        />
      </span>
      <Thumb item={item} />
      <span className="item-text" role="gridcell">
        <span className="item-query" title={item.query} data-free-text>
          {item.query || <span className="muted">(no query)</span>}
        </span>
        <span className="mono item-id" title={item.id}>
          {item.id}
        </span>
      </span>
      <span className="col-responses num" role="gridcell">
        {item.responseCount}
      </span>
      <span className="col-status" role="gridcell">
        <span className={`status status-${item.status}`} data-testid="item-status" title={item.status === 'labeled' ? 'Labeled' : 'Not labeled yet'}>
          {item.status}
        </span>
      </span>
      <span className="col-split" role="gridcell">
        <span className={`split-badge split-${item.split}`} data-testid="item-split">
          {item.split}
        </span>
      </span>
      <span className="col-annotators item-annotators" role="gridcell" title={item.annotators.join(', ')}>
        {item.annotators.length > 0 ? item.annotators.join(', ') : <span className="muted">–</span>}
      </span>
      <span className="col-flag" role="gridcell">
        {item.flagged && (
          <span className="flag" title="Flagged" data-testid="item-flagged">
            ⚑
          </span>
        )}
      </span>
    </div>
  );
});
