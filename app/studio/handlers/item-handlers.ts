import type { Handlers } from '../../rpc/router';
import type { Studio } from '../studio';

type ItemHandlers = Pick<Handlers, 'items.list' | 'items.get' | 'items.setSplit' | 'items.delete'>;

export function itemHandlers(studio: Studio): ItemHandlers {
  return {
    'items.list': (query) => studio.project().listItems(query),
    'items.get': ({ id }) => studio.project().getItem(id),
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
