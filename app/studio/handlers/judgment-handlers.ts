import type { Handlers } from '../../rpc/router';
import type { ProjectStore } from '../../store/project-store';
import type { UndoResult } from '../../annotation/types';
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
    // A replayed actionId (the client never got the first answer) changes nothing and announces
    // nothing; the answer is the item as it stands, which is what the first answer would show.
    'judgments.save': ({ actionId, ...input }) => {
      const store = studio.project();
      const applied = store.applyOnce(actionId, 'judgments.save', () => {
        store.saveJudgment({ ...input, source: 'ui' });
      });
      if (applied) changed(input.itemId, input.annotator);
      return store.getItem(input.itemId, input.annotator);
    },
    'judgments.undo': ({ annotator, actionId }) => {
      const store = studio.project();
      let undone: ReturnType<typeof store.undoJudgment> = null;
      store.applyOnce(actionId, 'judgments.undo', () => {
        undone = store.undoJudgment(annotator);
      });
      return undoResult(store, annotator, undone, changed);
    },
    'judgments.delete': ({ itemId, annotator, actionId }) => {
      const store = studio.project();
      let deleted = false;
      store.applyOnce(actionId, 'judgments.delete', () => {
        deleted = store.deleteJudgment(itemId, annotator);
      });
      if (deleted) changed(itemId, annotator);
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

/** What `judgments.undo` answers; nothing undone (none left, or a replay) is `{undone: null, item: null}`. */
function undoResult(
  store: ProjectStore,
  annotator: string,
  undone: ReturnType<ProjectStore['undoJudgment']>,
  changed: (itemId: string, annotator: string) => void,
): UndoResult {
  if (undone === null) return { undone: null, item: null };
  changed(undone.itemId, annotator);
  return { undone: undone.entry, item: store.getItem(undone.itemId, annotator) };
}
