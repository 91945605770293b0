/**
 * The virtualized item table: only the rows in view (plus a margin) exist in the DOM, positioned
 * absolutely inside a spacer as tall as all rows, so 100k items scroll like 100. Pages of rows
 * are fetched by offset as they scroll into view.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { ITEM_ROW_HEIGHT, ItemRow, type RowClick } from './item-row';
import { isSelected, type Selection } from './item-selection';
import type { ItemWindow } from './use-item-window';

const OVERSCAN_ROWS = 8;

export interface ItemListProps {
  window: ItemWindow;
  currentIndex: number;
  selection: Selection;
  onRowClick(index: number, id: string, how: RowClick): void;
}

export function ItemList({ window: rows, currentIndex, selection, onRowClick }: ItemListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const total = rows.total ?? 0;

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    setHeight(element.clientHeight);
    return () => observer.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / ITEM_ROW_HEIGHT) - OVERSCAN_ROWS);
  const last = Math.min(total, Math.ceil((scrollTop + height) / ITEM_ROW_HEIGHT) + OVERSCAN_ROWS);
  const { ensureRange } = rows;

  useEffect(() => {
    if (total > 0) ensureRange(first, last);
  }, [first, last, total, ensureRange]);

  // Keyboard moves: keep the current row in view without jumping when it already is.
  useEffect(() => {
    const element = scroller.current;
    if (!element || currentIndex < 0) return;
    const rowTop = currentIndex * ITEM_ROW_HEIGHT;
    if (rowTop < element.scrollTop) element.scrollTop = rowTop;
    else if (rowTop + ITEM_ROW_HEIGHT > element.scrollTop + element.clientHeight) {
      element.scrollTop = rowTop + ITEM_ROW_HEIGHT - element.clientHeight;
    }
  }, [currentIndex]);

  const visible: number[] = [];
  for (let index = first; index < last; index += 1) visible.push(index);

  return (
    <div className="item-table" role="grid" aria-label="Items" aria-rowcount={total}>
      {/* A grid row holds only cells: each heading is a columnheader; the unlabelled columns are named for screen readers. */}
      <div className="item-table-head" role="row">
        <span className="row-check" role="columnheader">
          <span className="visually-hidden">Selected</span>
        </span>
        <span className="thumb-col" role="columnheader">
          <span className="visually-hidden">Image</span>
        </span>
        <span className="item-text" role="columnheader">
          Query · id
        </span>
        <span className="col-responses num" role="columnheader" title="Responses">
          Resp.
        </span>
        <span className="col-status" role="columnheader">
          Status
        </span>
        <span className="col-split" role="columnheader">
          Split
        </span>
        <span className="col-annotators" role="columnheader">
          Annotators
        </span>
        <span className="col-flag" role="columnheader">
          <span className="visually-hidden">Flagged</span>
        </span>
      </div>
      {/* The scroller is focusable (it takes the list keys), so it must be a grid part itself: the rows' group. */}
      <div
        className="item-list"
        role="rowgroup"
        ref={scroller}
        tabIndex={-1}
        data-testid="item-list"
        onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
      >
        <div className="item-list-spacer" style={{ height: total * ITEM_ROW_HEIGHT }}>
          {visible.map((index) => {
            const item = rows.itemAt(index);
            return (
              <ItemRow
                key={index}
                index={index}
                item={item}
                current={index === currentIndex}
                checked={isSelected(selection, index, item?.id)}
                onClick={onRowClick}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}
