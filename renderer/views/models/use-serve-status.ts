/** The reward-model HTTP server's status: asked once, then followed through serving.onChanged. */
import { useEffect, useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { useStudioEvent } from '../../hooks/use-studio-event';
import type { ServeStatus } from '../../client/contract-types';

export function useServeStatus(): { status: ServeStatus | null; known: boolean; set(status: ServeStatus | null): void } {
  const client = useStudioClient();
  const [state, setState] = useState<{ status: ServeStatus | null; known: boolean }>({ status: null, known: false });
  useEffect(() => {
    let live = true;
    client.invoke('serving.status', {}).then(
      (status) => live && setState({ status, known: true }),
      // Unknown is shown as "not serving"; Start reports any real problem.
      () => live && setState({ status: null, known: true }),
    );
    return () => {
      live = false;
    };
  }, [client]);
  useStudioEvent('serving.onChanged', (status) => setState({ status, known: true }));
  return { ...state, set: (status) => setState({ status, known: true }) };
}
