/**
 * The Annotate view's keyboard (see keyboard-map.ts for the table people read). One window
 * listener; the latest handlers are read through a ref so it never needs re-binding. Keys from
 * text fields and dialogs, and keys with Ctrl/⌘/Alt (browser shortcuts), are left alone.
 */
import { useEffect, useRef } from 'react';
import { isTypingOrInModal } from '../../components/modal-dialog';
import type { PairChoice, Strength } from './ranking-from-decision';

export interface AnnotateKeyHandlers {
  /** Responses on screen: 2 = pair keys, 3+ = ranking keys, 0 = nothing to judge. */
  responseCount: number;
  overlayOpen: boolean;
  pair(choice: PairChoice, strength: Strength, event: KeyboardEvent): void;
  typeRank(rank: number): void;
  eraseRank(): void;
  clearRanks(): void;
  commitRanking(event: KeyboardEvent): void;
  skip(event: KeyboardEvent): void;
  previous(event: KeyboardEvent): void;
  undo(): void;
  jump(): void;
  note(): void;
  flag(): void;
  /** Fold / unfold the earlier turns of the item's conversation. */
  toggleEarlier(): void;
  zoomIn(): void;
  zoomOut(): void;
  resetZoom(): void;
  nextImage(): void;
  toggleOverlay(): void;
  focusSearch(): void;
}

export function useAnnotateKeys(handlers: AnnotateKeyHandlers): void {
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(() => {
    function onKey(event: KeyboardEvent): void {
      if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
      if (isTypingOrInModal(event.target)) return;
      const h = latest.current;
      const key = event.key;
      if (h.overlayOpen) return;
      const lower = key.length === 1 ? key.toLowerCase() : key;
      const strength: Strength = event.shiftKey ? 'clearly' : 'slightly';
      let handled = true;

      if (h.responseCount === 2 && (lower === 'a' || key === 'ArrowLeft')) h.pair('first', strength, event);
      else if (h.responseCount === 2 && (lower === 'b' || key === 'ArrowRight')) h.pair('second', strength, event);
      else if (h.responseCount === 2 && lower === 't') h.pair('tie', 'slightly', event);
      else if (h.responseCount === 2 && lower === 'x') h.pair('both_bad', 'slightly', event);
      else if (h.responseCount >= 3 && /^[1-9]$/.test(key)) h.typeRank(Number(key));
      else if (h.responseCount >= 3 && key === 'Backspace') h.eraseRank();
      else if (h.responseCount >= 3 && key === 'Escape') h.clearRanks();
      else if (h.responseCount >= 3 && key === 'Enter') h.commitRanking(event);
      else if (lower === 's' || lower === 'j') h.skip(event);
      else if (lower === 'k') h.previous(event);
      else if (lower === 'z') h.undo();
      else if (lower === 'g') h.jump();
      else if (lower === 'n') h.note();
      else if (lower === 'f') h.flag();
      else if (lower === 'c') h.toggleEarlier();
      else if (key === '+' || key === '=') h.zoomIn();
      else if (key === '-' || key === '_') h.zoomOut();
      else if (key === '0') h.resetZoom();
      else if (lower === 'i') h.nextImage();
      else if (key === '/') h.focusSearch();
      else handled = false;
      if (handled) event.preventDefault();
    }
    function onOverlayKey(event: KeyboardEvent): void {
      // `?` toggles the map even while it is open (it is a modal, so the main handler skips it).
      if (event.key === '?' && !event.ctrlKey && !event.metaKey && !event.altKey) {
        const target = event.target;
        if (target instanceof HTMLElement && ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return;
        event.preventDefault();
        latest.current.toggleOverlay();
      }
    }
    window.addEventListener('keydown', onKey);
    window.addEventListener('keydown', onOverlayKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('keydown', onOverlayKey);
    };
  }, []);
}
