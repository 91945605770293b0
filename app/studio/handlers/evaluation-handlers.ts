import type { Handlers } from '../../rpc/router';
import type { Studio } from '../studio';

type EvaluationHandlers = Pick<
  Handlers,
  | 'evaluations.list'
  | 'evaluations.get'
  | 'evaluations.start'
  | 'evaluations.cancel'
  | 'evaluations.delete'
  | 'evaluations.compare'
  | 'evaluations.compareItems'
  | 'evaluations.itemScores'
>;

export function evaluationHandlers(studio: Studio): EvaluationHandlers {
  return {
    'evaluations.list': ({ checkpointId }) => studio.evaluations().list(checkpointId),
    'evaluations.get': ({ id }) => studio.evaluations().get(id),
    'evaluations.start': (input) => studio.evaluations().start(input),
    'evaluations.cancel': ({ id }) => studio.evaluations().cancel(id),
    'evaluations.delete': ({ id }) => studio.evaluations().delete(id),
    'evaluations.compare': ({ a, b }) => studio.evaluations().compare(a, b),
    'evaluations.compareItems': (query) => studio.evaluations().compareItems(query),
    'evaluations.itemScores': ({ itemId, evaluationIds }) => studio.evaluations().itemScores(itemId, evaluationIds),
  };
}
