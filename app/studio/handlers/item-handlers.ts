import type { Handlers } from '../../rpc/router';
import type { Studio } from '../studio';

type ItemHandlers = Pick<
  Handlers,
  'items.list' | 'items.get' | 'items.setFlag' | 'items.setNote' | 'items.setSplit' | 'items.delete'
>;

export function itemHandlers(studio: Studio): ItemHandlers {
  return {
    'items.list': (query) => studio.project().listItems(query),
    'items.get': ({ id, annotator }) => studio.project().getItem(id, annotator),
    // A replayed actionId (see app/store/applied-actions.ts) changes nothing: `updated` is 0.
    'items.setFlag': ({ ids, flagged, actionId }) => {
      const store = studio.project();
      let updated = 0;
      store.applyOnce(actionId, 'items.setFlag', () => {
        updated = store.setItemsFlag(ids, flagged);
      });
      if (updated > 0) studio.projectChanged();
      return { updated };
    },
    // A note changes no count, so no project-wide event: the caller gets the item back.
    'items.setNote': ({ id, note, actionId }) => {
      const store = studio.project();
      store.applyOnce(actionId, 'items.setNote', () => store.setItemNote(id, note));
      return store.getItem(id);
    },
    'items.setSplit': ({ ids, split }) => {
      const updated = studio.project().setSplit(ids, split);
      studio.projectChanged();
      return { updated };
    },
    'items.delete': ({ ids }) => {
      const deleted = studio.project().deleteItems(ids);
      studio.projectChanged();
      return { deleted };
    },
  };
}
