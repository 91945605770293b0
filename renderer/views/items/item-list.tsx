/**
 * The virtualized item list: only the rows in view (plus a margin) exist in the DOM, positioned
 * absolutely inside a spacer as tall as all rows, so 100k items scroll like 100.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { ITEM_ROW_HEIGHT, ItemRow } from './item-row';
import type { ItemWindow } from './use-item-window';

const OVERSCAN_ROWS = 8;

export interface ItemListProps {
  window: ItemWindow;
  selectedIndex: number;
  onSelect(index: number, id: string): void;
}

export function ItemList({ window: rows, selectedIndex, onSelect }: ItemListProps) {
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

  // Keyboard moves: keep the selected row in view without jumping when it already is.
  useEffect(() => {
    const element = scroller.current;
    if (!element || selectedIndex < 0) return;
    const rowTop = selectedIndex * ITEM_ROW_HEIGHT;
    if (rowTop < element.scrollTop) element.scrollTop = rowTop;
    else if (rowTop + ITEM_ROW_HEIGHT > element.scrollTop + element.clientHeight) {
      element.scrollTop = rowTop + ITEM_ROW_HEIGHT - element.clientHeight;
    }
  }, [selectedIndex]);

  const visible: number[] = [];
  for (let index = first; index < last; index += 1) visible.push(index);

  return (
    <div
      className="item-list"
      ref={scroller}
      role="listbox"
      aria-label="Items"
      tabIndex={-1}
      data-testid="item-list"
      onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
    >
      <div className="item-list-spacer" style={{ height: total * ITEM_ROW_HEIGHT }}>
        {visible.map((index) => (
          <ItemRow key={index} index={index} item={rows.itemAt(index)} selected={index === selectedIndex} onSelect={onSelect} />
        ))}
      </div>
    </div>
  );
}
