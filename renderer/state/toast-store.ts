/**
 * Toasts: errors (message + what to do) and short confirmations. Errors stay until dismissed,
 * because a person may be looking elsewhere when a long import fails.
 */
import { create } from 'zustand';
import { describeError } from '../client/studio-client-error';

export type ToastKind = 'error' | 'success' | 'info';

export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
  hint?: string | undefined;
}

interface ToastState {
  toasts: Toast[];
  push(toast: Omit<Toast, 'id'>): number;
  dismiss(id: number): void;
}

const MAX_TOASTS = 4;
const AUTO_DISMISS_MS = 5000;
let nextToastId = 1;

export const useToastStore = create<ToastState>((set, get) => ({
  toasts: [],
  push(toast) {
    const id = nextToastId++;
    set((state) => ({ toasts: [...state.toasts, { ...toast, id }].slice(-MAX_TOASTS) }));
    if (toast.kind !== 'error') setTimeout(() => get().dismiss(id), AUTO_DISMISS_MS);
    return id;
  },
  dismiss(id) {
    set((state) => ({ toasts: state.toasts.filter((toast) => toast.id !== id) }));
  },
}));

/** Shows any thrown value as an error toast; `action` names what the person tried ("Import"). */
export function toastError(error: unknown, action?: string): void {
  const { message, hint } = describeError(error);
  useToastStore.getState().push({ kind: 'error', message: action ? `${action} failed: ${message}` : message, hint });
}

export function toastSuccess(message: string): void {
  useToastStore.getState().push({ kind: 'success', message });
}
