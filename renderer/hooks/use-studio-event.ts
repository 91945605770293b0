import { useEffect, useRef } from 'react';
import { useStudioClient } from '../client/client-context';
import type { EventName, EventPayload } from '../client/contract-types';

/** Subscribes for the component's lifetime; the latest listener is always called (no stale closures). */
export function useStudioEvent<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): void {
  const client = useStudioClient();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => client.on(name, (payload) => latest.current(payload)), [client, name]);
}
