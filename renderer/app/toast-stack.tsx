/**
 * The toasts, bottom-right over the page's margin: newest on top, at most three (the store drops
 * older ones). Pointer over a toast pauses its expiry; each has a close button.
 */
import { useToastStore, type Toast } from '../state/toast-store';

function ToastCard({ toast }: { toast: Toast }) {
  const dismiss = useToastStore((state) => state.dismiss);
  const pause = useToastStore((state) => state.pause);
  const resume = useToastStore((state) => state.resume);
  return (
    <div
      className={`toast toast-${toast.kind}`}
      role={toast.kind === 'error' ? 'alert' : 'status'}
      data-testid={`toast-${toast.kind}`}
      onMouseEnter={() => pause(toast.id)}
      onMouseLeave={() => resume(toast.id)}
    >
      <div className="toast-text">
        <div className="toast-message" data-testid="toast-message">
          {toast.message}
        </div>
        {toast.hint && (
          <div className="toast-hint" data-testid="toast-hint">
            {toast.hint}
          </div>
        )}
      </div>
      <button type="button" className="toast-close" aria-label="Dismiss notification" data-testid="toast-dismiss" onClick={() => dismiss(toast.id)}>
        ×
      </button>
    </div>
  );
}

export function ToastStack() {
  const toasts = useToastStore((state) => state.toasts);
  return (
    <div className="toast-stack" aria-live="polite" data-testid="toasts">
      {toasts.map((toast) => (
        <ToastCard key={toast.id} toast={toast} />
      ))}
    </div>
  );
}
