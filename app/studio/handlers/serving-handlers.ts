import type { Handlers } from '../../rpc/router';
import type { Studio } from '../studio';

type ServingHandlers = Pick<Handlers, 'serving.start' | 'serving.stop' | 'serving.status'>;

export function servingHandlers(studio: Studio): ServingHandlers {
  return {
    'serving.start': ({ model, host, port, apiKey }) => studio.scoring().startServing(model, host, port, apiKey),
    'serving.stop': async () => ({ stopped: await studio.scoring().stopServing() }),
    // No project open means nothing is served (the session ends with its project).
    'serving.status': () => (studio.projectDir ? studio.scoring().status() : null),
  };
}
