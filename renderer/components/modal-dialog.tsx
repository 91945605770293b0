/**
 * A centred modal: a backdrop, a titled box, Escape and a backdrop click close it (unless the
 * caller says it must be answered). Tab and Shift+Tab cycle inside the box — they never walk to
 * the page behind — and closing gives focus back to where it was. Keys typed inside do not reach
 * the view's shortcuts, because the view's key handler ignores events from inside `[data-modal]`.
 */
import { useEffect, useRef, type ReactNode } from 'react';

export interface ModalDialogProps {
  title: string;
  testId: string;
  /** Null: the dialog must be answered (no Escape, no backdrop close). */
  onClose: (() => void) | null;
  children: ReactNode;
  wide?: boolean;
}

export function ModalDialog({ title, testId, onClose, children, wide }: ModalDialogProps) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    // Focus the first field, else the box, so typing goes to the dialog at once.
    const first = box.current?.querySelector<HTMLElement>('input, textarea, select, button[data-autofocus]');
    (first ?? box.current)?.focus();
    return () => previous?.focus();
  }, []);

  useEffect(() => {
    function onTab(event: KeyboardEvent): void {
      const root = box.current;
      if (event.key !== 'Tab' || !root) return;
      const stops = focusable(root);
      const first = stops[0];
      const last = stops[stops.length - 1];
      const active = document.activeElement;
      if (!first || !last) {
        event.preventDefault();
        root.focus();
      } else if (!root.contains(active)) {
        event.preventDefault();
        first.focus();
      } else if (event.shiftKey && (active === first || active === root)) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && active === last) {
        event.preventDefault();
        first.focus();
      }
    }
    window.addEventListener('keydown', onTab, true);
    return () => window.removeEventListener('keydown', onTab, true);
  }, []);

  useEffect(() => {
    if (!onClose) return;
    function onKey(event: KeyboardEvent): void {
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        onClose?.();
      }
    }
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onClose]);

  return (
    <div
      className="modal-backdrop"
      data-modal="true"
      onPointerDown={(event) => {
        if (onClose && event.target === event.currentTarget) onClose();
      }}
    >
      <div
        ref={box}
        className={wide ? 'modal wide' : 'modal'}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        tabIndex={-1}
        data-testid={testId}
      >
        <header className="modal-header">
          <h2 className="modal-title">{title}</h2>
          {onClose && (
            <button type="button" className="toast-close" aria-label="Close" onClick={onClose}>
              ×
            </button>
          )}
        </header>
        <div className="modal-body">{children}</div>
      </div>
    </div>
  );
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The elements Tab stops at inside `root`, in order (hidden ones left out). */
function focusable(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((element) => element.offsetParent !== null || element === document.activeElement);
}

/** True for key events that come from inside a modal or a text field: view shortcuts ignore them. */
export function isTypingOrInModal(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.closest('[data-modal]')) return true;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}
