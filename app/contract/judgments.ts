import { z } from 'zod';
import type { ItemDetail } from '../store/types';
import { command } from './define';
import { itemId } from './items';

/** human_ranking semantics: ranking[i] is the rank of response i, 0 = best, equal ranks = tie. */
export const ranking = z.array(z.number().int().min(0)).min(2).max(64);

export const judgmentCommands = {
  'judgments.save': command<ItemDetail>()(
    z.object({
      itemId,
      annotator: z.string().trim().min(1).max(100),
      ranking,
      decision: z.enum(['ranked', 'tie', 'both_bad', 'skip']).optional(),
      strength: z.enum(['slightly', 'clearly']).optional(),
      timeMs: z.number().int().min(0).optional(),
      shownOrder: z.array(z.number().int().min(0)).optional(),
      note: z.string().max(10_000).optional(),
      flagged: z.boolean().optional(),
    }),
  ),
};
