/**
 * Items keyboard: j / ArrowDown and k / ArrowUp move the selection, / focuses the search.
 * Ignored while typing in a field, and with modifier keys (so browser shortcuts keep working).
 */
import { useEffect, useRef, type RefObject } from 'react';

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function useListKeys(move: (delta: number) => void, searchRef: RefObject<HTMLInputElement | null>): void {
  const latestMove = useRef(move);
  latestMove.current = move;

  useEffect(() => {
    function onKey(event: KeyboardEvent): void {
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      switch (event.key) {
        case 'j':
        case 'ArrowDown':
          event.preventDefault();
          latestMove.current(1);
          break;
        case 'k':
        case 'ArrowUp':
          event.preventDefault();
          latestMove.current(-1);
          break;
        case '/':
          event.preventDefault();
          searchRef.current?.focus();
          searchRef.current?.select();
          break;
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [searchRef]);
}
