/**
 * Visible whenever the WebSocket is down, so a person knows why buttons fail. After a few
 * attempts it says the likely cause: the server stopped, or it restarted with a new token.
 */
import { useEffect, useState } from 'react';
import { useConnectionStore } from '../state/connection-store';

const HINT_AFTER_ATTEMPTS = 3;

export function ConnectionBanner({ onRetry }: { onRetry: (() => void) | null }) {
  const status = useConnectionStore((state) => state.status);
  const [now, setNow] = useState(() => Date.now());
  const down = status.state === 'reconnecting' || (status.state === 'connecting' && status.failedAttempts > 0);

  useEffect(() => {
    if (!down) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [down]);

  if (!down) return null;
  const seconds = status.nextAttemptAt ? Math.max(0, Math.ceil((status.nextAttemptAt - now) / 1000)) : 0;
  const headline =
    status.state === 'reconnecting' ? 'Disconnected from the studio server — reconnecting' : 'Cannot reach the studio server — retrying';
  return (
    <div className="connection-banner" role="status" data-testid="connection-banner">
      <span className="banner-dot" aria-hidden="true" />
      <span>
        <strong>{headline}</strong>
        {seconds > 0 ? ` in ${seconds} s` : '…'}
        {status.failedAttempts >= HINT_AFTER_ATTEMPTS && (
          <span className="banner-hint">
            {' '}
            Is <code>reward-studio serve</code> still running? If it restarted, open the new URL it printed: the token changes on every launch.
          </span>
        )}
      </span>
      {onRetry && (
        <button type="button" className="button small" data-testid="connection-retry" onClick={onRetry}>
          Retry now
        </button>
      )}
    </div>
  );
}

/**
 * A team member's link was revoked or expired (the server closed the socket with 4401): nothing
 * here works any more and the transport no longer retries, so the whole page says so.
 */
export function RevokedPage() {
  return (
    <div className="app revoked-page" data-testid="link-revoked">
      <main className="revoked-message" role="alert">
        <p className="revoked-text">This link no longer works (revoked or expired). Ask the project owner for a new one.</p>
      </main>
    </div>
  );
}
