import { z } from 'zod';
import type { ItemDetail, ItemList } from '../store/types';
import { command } from './define';

export const splitName = z.enum(['train', 'val', 'test']);
export const itemId = z.string().min(1).max(500);

export const itemCommands = {
  'items.list': command<ItemList>()(
    z.object({
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(100),
      split: splitName.optional(),
      status: z.enum(['all', 'labeled', 'unlabeled']).default('all'),
      search: z.string().max(500).optional(),
    }),
  ),
  'items.get': command<ItemDetail>()(z.object({ id: itemId })),
  'items.setSplit': command<{ updated: number }>()(
    z.object({ ids: z.array(itemId).min(1).max(100_000), split: splitName }),
  ),
  'items.delete': command<{ deleted: number }>()(z.object({ ids: z.array(itemId).min(1).max(100_000) })),
};
