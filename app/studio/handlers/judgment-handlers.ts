import type { Handlers } from '../../rpc/router';
import type { Studio } from '../studio';

type JudgmentHandlers = Pick<
  Handlers,
  | 'judgments.save'
  | 'judgments.undo'
  | 'judgments.delete'
  | 'judgments.agreement'
  | 'judgments.conflicts'
  | 'judgments.adjudicate'
>;

/**
 * Judgments are the hot path (one per key press), so they announce themselves with the cheap
 * `judgments.onChanged` instead of `projects.onChanged`, whose summary costs ~100 ms on 100k
 * items; views refetch counts when they show them.
 */
export function judgmentHandlers(studio: Studio): JudgmentHandlers {
  const changed = (itemId: string, annotator: string): void => studio.events.emit('judgments.onChanged', { itemId, annotator });
  return {
    'judgments.save': (input) => {
      const store = studio.project();
      store.saveJudgment({ ...input, source: 'ui' });
      changed(input.itemId, input.annotator);
      return store.getItem(input.itemId, input.annotator);
    },
    'judgments.undo': ({ annotator }) => {
      const store = studio.project();
      const undone = store.undoJudgment(annotator);
      if (undone === null) return { undone: null, item: null };
      changed(undone.itemId, annotator);
      return { undone: undone.entry, item: store.getItem(undone.itemId, annotator) };
    },
    'judgments.delete': ({ itemId, annotator }) => {
      const store = studio.project();
      if (store.deleteJudgment(itemId, annotator)) changed(itemId, annotator);
      return store.getItem(itemId, annotator);
    },
    'judgments.agreement': ({ split }) => studio.project().agreement(split),
    'judgments.conflicts': (options) => studio.project().conflicts(options),
    'judgments.adjudicate': ({ itemId, ranking, annotator, note }) => {
      const store = studio.project();
      store.saveJudgment({ itemId, annotator, ranking, note: note ?? null, source: 'adjudication' });
      changed(itemId, annotator);
      return store.getItem(itemId, annotator);
    },
  };
}
