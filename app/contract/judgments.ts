import { z } from 'zod';
import type { AgreementReport, ConflictList, UndoResult } from '../annotation/types';
import { MAX_RESPONSES_PER_ITEM, type ItemDetail } from '../store/types';
import { command, event } from './define';
import { actionId, annotatorName, itemId, splitName } from './items';

/** human_ranking semantics: ranking[i] is the rank of response i, 0 = best, equal ranks = tie. */
export const ranking = z.array(z.number().int().min(0)).min(2).max(MAX_RESPONSES_PER_ITEM);

export const judgmentCommands = {
  'judgments.save': command<ItemDetail>()(
    z.object({
      itemId,
      annotator: annotatorName,
      ranking,
      /** How the person decided; 'both_bad' is stored as a tie (no preference) and kept apart in reports. */
      decision: z.enum(['ranked', 'tie', 'both_bad']).optional(),
      strength: z.enum(['slightly', 'clearly']).optional(),
      timeMs: z.number().int().min(0).optional(),
      shownOrder: z.array(z.number().int().min(0)).optional(),
      note: z.string().max(10_000).optional(),
      flagged: z.boolean().optional(),
      actionId: actionId.optional(),
    }),
  ),
  /**
   * Takes back `annotator`'s most recent judgment change not yet undone (call again for more
   * levels). A replayed `actionId` undoes nothing more and answers `{undone: null, item: null}`.
   */
  'judgments.undo': command<UndoResult>()(z.object({ annotator: annotatorName, actionId: actionId.optional() })),
  'judgments.delete': command<ItemDetail>()(z.object({ itemId, annotator: annotatorName, actionId: actionId.optional() })),
  /** Percent agreement and Cohen's kappa on pairs; Krippendorff's alpha (Kendall-tau distance) on rankings. */
  'judgments.agreement': command<AgreementReport>()(z.object({ split: splitName.optional() })),
  /** Items whose annotators disagree, with every judgment, for adjudication. */
  'judgments.conflicts': command<ConflictList>()(
    z.object({
      split: splitName.optional(),
      includeAdjudicated: z.boolean().default(false),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(500).default(50),
    }),
  ),
  /** The final word on an item: export uses the adjudicated ranking over every annotator's. */
  'judgments.adjudicate': command<ItemDetail>()(z.object({ itemId, ranking, annotator: annotatorName, note: z.string().max(10_000).optional() })),
};

export const judgmentEvents = {
  /**
   * A judgment changed (saved, undone, deleted, adjudicated). Cheap on purpose: with 100k items
   * the project summary costs ~100 ms, so views refetch counts when they need them.
   */
  'judgments.onChanged': event<{ itemId: string; annotator: string }>(),
};

/** The annotation results, re-exported so the renderer can take them from the contract. */
export type { AgreementReport, ConflictItem, ConflictList, PairAgreement, UndoResult } from '../annotation/types';
