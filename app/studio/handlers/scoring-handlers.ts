import type { Handlers } from '../../rpc/router';
import type { Studio } from '../studio';

type ScoringHandlers = Pick<Handlers, 'scoring.score'>;

export function scoringHandlers(studio: Studio): ScoringHandlers {
  return {
    'scoring.score': ({ model, query, responses, image, imageFile }) => studio.scoring().score(model, { query, responses, image, imageFile }),
  };
}
