import { z } from 'zod';
import type { ItemDetail, ItemList } from '../store/types';
import { command } from './define';

export const splitName = z.enum(['train', 'val', 'test']);
export const itemId = z.string().min(1).max(500);
export const annotatorName = z.string().trim().min(1).max(100);
/**
 * A client-made id for one annotation action (judgment, undo, note, flag). A browser resends an
 * action whose answer it lost; the server applies each id once (app/store/applied-actions.ts).
 * Optional: scripts and the desktop app's IPC, which cannot drop an answer, may leave it out.
 */
export const actionId = z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, 'an action id is 8–100 letters, digits, "-" or "_"');

/**
 * The filters shared by the queue (Annotate), the dataset table and bulk actions.
 * `judged` is seen from `annotator`: by-me / not-by-me / by-others need it.
 */
export const itemFilters = z.object({
  split: splitName.optional(),
  status: z.enum(['all', 'labeled', 'unlabeled']).default('all'),
  search: z.string().max(500).optional(),
  /** Exact id lookup ("jump to item"). */
  id: itemId.optional(),
  annotator: annotatorName.optional(),
  /**
   * Own judgments only (an adjudication is not a vote). by-others: someone else judged it, whether
   * or not `annotator` did too; conflicting: annotators' rankings differ (adjudicated or not).
   * See app/annotation/README.md.
   */
  judged: z.enum(['any', 'by-me', 'not-by-me', 'by-others', 'conflicting']).default('any'),
  flagged: z.boolean().optional(),
});

export const itemCommands = {
  'items.list': command<ItemList>()(
    itemFilters.extend({
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(100),
      /**
       * 'id': import order. 'queue': what `annotator` should judge next — items nobody judged
       * first, then items only others judged, then the rest (each in import order).
       * 'uncertain' (model in the loop): the queue's items ordered by the gap between their two
       * highest scores in `evaluationId` (default: the newest finished evaluation of the most
       * recent evaluated checkpoint), smallest first; items it did not score follow in queue order.
       */
      order: z.enum(['id', 'queue', 'uncertain']).default('id'),
      evaluationId: z.number().int().min(1).optional(),
    }),
  ),
  /** With `annotator`, `shownOrder` is that annotator's stable shuffled display order of the responses. */
  'items.get': command<ItemDetail>()(z.object({ id: itemId, annotator: annotatorName.optional() })),
  'items.setFlag': command<{ updated: number }>()(
    z.object({ ids: z.array(itemId).min(1).max(100_000), flagged: z.boolean(), actionId: actionId.optional() }),
  ),
  'items.setNote': command<ItemDetail>()(z.object({ id: itemId, note: z.string().max(10_000).nullable(), actionId: actionId.optional() })),
  'items.setSplit': command<{ updated: number }>()(
    z.object({ ids: z.array(itemId).min(1).max(100_000), split: splitName }),
  ),
  'items.delete': command<{ deleted: number }>()(z.object({ ids: z.array(itemId).min(1).max(100_000) })),
};
