import type { Handlers } from '../../rpc/router';
import type { Studio } from '../studio';

type CheckpointHandlers = Pick<Handlers, 'checkpoints.list'>;

export function checkpointHandlers(studio: Studio): CheckpointHandlers {
  return {
    'checkpoints.list': ({ runId }) => studio.runs().checkpoints(runId),
  };
}
