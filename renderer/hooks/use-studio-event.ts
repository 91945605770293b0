import { useEffect, useRef } from 'react';
import type { EventName, EventPayload } from '../../app/contract';
import { useStudioClient } from '../client/client-context';

/** Subscribes for the component's lifetime; the latest listener is always called (no stale closures). */
export function useStudioEvent<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): void {
  const client = useStudioClient();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => client.on(name, (payload) => latest.current(payload)), [client, name]);
}
