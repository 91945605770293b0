import { memo } from 'react';
import type { ItemSummary } from '../../../app/store/types';
import { useStudioClient } from '../../client/client-context';

export const ITEM_ROW_HEIGHT = 64;

export interface ItemRowProps {
  item: ItemSummary | undefined;
  index: number;
  selected: boolean;
  onSelect(index: number, id: string): void;
}

function Thumb({ item }: { item: ItemSummary }) {
  const client = useStudioClient();
  if (!item.thumb) {
    return (
      <span className="thumb thumb-empty" title="No image">
        Aa
      </span>
    );
  }
  return (
    <span className="thumb">
      <img src={client.mediaUrl(item.thumb)} alt="" width={48} height={48} loading="lazy" decoding="async" draggable={false} data-testid="item-thumb" />
      {item.imageCount > 1 && <span className="thumb-count">{item.imageCount}</span>}
    </span>
  );
}

/** One list row; fixed height so the virtual list can place rows by arithmetic. */
export const ItemRow = memo(function ItemRow({ item, index, selected, onSelect }: ItemRowProps) {
  const top = index * ITEM_ROW_HEIGHT;
  if (!item) {
    return (
      <div className="item-row placeholder" style={{ top }} aria-hidden="true">
        <span className="thumb thumb-empty" />
        <span className="skeleton" />
      </div>
    );
  }
  return (
    <div
      className={selected ? 'item-row selected' : 'item-row'}
      style={{ top }}
      role="option"
      aria-selected={selected}
      data-testid="item-row"
      data-item-id={item.id}
      data-status={item.status}
      data-response-count={item.responseCount}
      onClick={() => onSelect(index, item.id)}
    >
      <Thumb item={item} />
      <span className="item-text">
        <span className="item-query" title={item.query}>
          {item.query || <span className="muted">(no query)</span>}
        </span>
        <span className="item-meta">
          <span className="mono item-id" title={item.id}>
            {item.id}
          </span>
          <span>{item.responseCount} responses</span>
          {item.annotators.length > 0 && (
            <span className="item-annotators" title={item.annotators.join(', ')}>
              {item.annotators.join(', ')}
            </span>
          )}
        </span>
      </span>
      <span className="item-badges">
        <span className={`split-badge split-${item.split}`}>{item.split}</span>
        <span className={`status status-${item.status}`} data-testid="item-status" title={item.status === 'labeled' ? 'Labeled' : 'Not labeled yet'}>
          {item.status === 'labeled' ? 'labeled' : 'unlabeled'}
        </span>
        {item.flagged && (
          <span className="flag" title="Flagged">
            ⚑
          </span>
        )}
      </span>
    </div>
  );
});
