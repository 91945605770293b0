import { useToastStore } from '../state/toast-store';

export function ToastStack() {
  const toasts = useToastStore((state) => state.toasts);
  const dismiss = useToastStore((state) => state.dismiss);
  return (
    <div className="toast-stack" aria-live="polite" data-testid="toasts">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast toast-${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'} data-testid={`toast-${toast.kind}`}>
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
          <button type="button" className="toast-close" aria-label="Dismiss" data-testid="toast-dismiss" onClick={() => dismiss(toast.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
