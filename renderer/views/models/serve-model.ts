/** "Serve" from a checkpoint row or an export: start the API on the default port and say where it is. */
import type { StudioClient } from '../../client/studio-client';
import { toastError, toastSuccess } from '../../state/toast-store';
import type { ModelRef, ServeStatus } from '../../client/contract-types';

export async function serveModel(client: StudioClient, model: ModelRef, label: string): Promise<ServeStatus | null> {
  try {
    const status = await client.invoke('serving.start', { model });
    toastSuccess(`Serving ${status.modelLabel} at ${status.url}`);
    return status;
  } catch (error) {
    toastError(error, `Serving ${label}`);
    return null;
  }
}
