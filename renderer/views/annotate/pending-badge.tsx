/**
 * "N not yet saved": shown while annotation actions wait in the outbox because the server is
 * unreachable or slow (a healthy save takes a few ms, so it does not flicker on every key press).
 * They are kept in the browser and resent when the connection is back; the badge says so.
 */
import { useSyncExternalStore } from 'react';
import { outboxFor } from '../../client/action-outbox';
import { useStudioClient } from '../../client/client-context';
import { formatCount } from '../../components/format';

export function PendingBadge() {
  const outbox = outboxFor(useStudioClient());
  const state = useSyncExternalStore(outbox.subscribe, outbox.getState);
  if (state.pending === 0 || !state.stalled) return null;
  return (
    <span
      className="pending-badge"
      role="status"
      data-testid="pending-badge"
      data-pending={state.pending}
      title="Kept in this browser and sent when the studio server is reachable again. Keep this tab open until the badge is gone."
    >
      {formatCount(state.pending)} not yet saved
    </span>
  );
}
