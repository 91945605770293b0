import type { Handlers } from '../../rpc/router';
import type { Studio } from '../studio';

type JudgmentHandlers = Pick<Handlers, 'judgments.save'>;

export function judgmentHandlers(studio: Studio): JudgmentHandlers {
  return {
    'judgments.save': (input) => {
      const store = studio.project();
      store.saveJudgment({ ...input, source: 'ui' });
      studio.projectChanged();
      return store.getItem(input.itemId);
    },
  };
}
