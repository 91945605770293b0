/**
 * Toasts: errors (message + what to do) and short confirmations. They stack in a corner, at most
 * MAX_VISIBLE_TOASTS, newest first, and expire: confirmations after ~5 s, errors after ~12 s
 * (a person may be looking elsewhere when a long import fails, so they stay longer, and can be
 * closed sooner). Hovering a toast pauses its expiry, so it can be read to the end.
 */
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import { describeError } from '../client/studio-client-error';

export type ToastKind = 'error' | 'success' | 'info';

export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
  hint?: string | undefined;
}

export interface ToastInput {
  kind: ToastKind;
  message: string;
  hint?: string | undefined;
  /** Overrides the kind's lifetime (ms), e.g. for a notice that needs reading. */
  durationMs?: number;
}

export interface ToastState {
  /** Newest first: the stack shows them top to bottom in this order. */
  toasts: Toast[];
  push(toast: ToastInput): number;
  dismiss(id: number): void;
  /** Stops a toast's clock (pointer over it). */
  pause(id: number): void;
  /** Restarts it with the time it had left (pointer gone). */
  resume(id: number): void;
}

export const MAX_VISIBLE_TOASTS = 3;
export const TOAST_LIFETIME_MS: Readonly<Record<ToastKind, number>> = { success: 5_000, info: 5_000, error: 12_000 };

/** A toast's clock: the time left, and the timer counting it down while it runs. */
interface ToastClock {
  remainingMs: number;
  startedAt: number;
  timer: ReturnType<typeof setTimeout> | null;
}

/** A separate store per call, so unit tests start clean; the app uses `useToastStore`. */
export function createToastStore(): UseBoundStore<StoreApi<ToastState>> {
  let nextToastId = 1;
  const clocks = new Map<number, ToastClock>();

  const stopClock = (id: number): void => {
    const clock = clocks.get(id);
    if (clock?.timer) clearTimeout(clock.timer);
    clocks.delete(id);
  };

  return create<ToastState>((set, get) => {
    const startClock = (id: number, clock: ToastClock): void => {
      clock.startedAt = Date.now();
      clock.timer = setTimeout(() => get().dismiss(id), clock.remainingMs);
      clocks.set(id, clock);
    };

    return {
      toasts: [],
      push(toast) {
        const id = nextToastId++;
        const { durationMs, ...shown } = toast;
        const kept = [{ ...shown, id }, ...get().toasts];
        // The oldest beyond the limit go at once: a pile of toasts would cover the view.
        for (const dropped of kept.slice(MAX_VISIBLE_TOASTS)) stopClock(dropped.id);
        set({ toasts: kept.slice(0, MAX_VISIBLE_TOASTS) });
        startClock(id, { remainingMs: durationMs ?? TOAST_LIFETIME_MS[toast.kind], startedAt: 0, timer: null });
        return id;
      },
      dismiss(id) {
        stopClock(id);
        set((state) => ({ toasts: state.toasts.filter((toast) => toast.id !== id) }));
      },
      pause(id) {
        const clock = clocks.get(id);
        if (!clock?.timer) return;
        clearTimeout(clock.timer);
        clock.timer = null;
        clock.remainingMs = Math.max(0, clock.remainingMs - (Date.now() - clock.startedAt));
      },
      resume(id) {
        const clock = clocks.get(id);
        if (!clock || clock.timer) return;
        startClock(id, clock);
      },
    };
  });
}

export const useToastStore = createToastStore();

/** Shows any thrown value as an error toast; `action` names what the person tried ("Import"). */
export function toastError(error: unknown, action?: string): void {
  const { message, hint } = describeError(error);
  useToastStore.getState().push({ kind: 'error', message: action ? `${action} failed: ${message}` : message, hint });
}

export function toastSuccess(message: string): void {
  useToastStore.getState().push({ kind: 'success', message });
}
