import { z } from 'zod';
import type {
  CompareItemPage,
  EvaluationComparison,
  EvaluationSummary,
  ItemScores,
} from '../evaluation/types';
import { command, event } from './define';
import { itemId, splitName } from './items';

export const evaluationId = z.number().int().min(1);
export const evaluationScope = z.enum(['train', 'val', 'test', 'unjudged']);
export const agreementKind = z.enum(['none', 'single', 'agree', 'disagree', 'adjudicated']);
export const compareFilter = z.enum(['all', 'a-only', 'b-only', 'both-wrong', 'both-right', 'disagree']);

export const evaluationCommands = {
  /** Newest first; only one checkpoint's when `checkpointId` is given. */
  'evaluations.list': command<EvaluationSummary[]>()(z.object({ checkpointId: z.number().int().min(1).optional() })),
  'evaluations.get': command<EvaluationSummary>()(z.object({ id: evaluationId })),
  /**
   * Scores `scope` with each checkpoint, one after the other. A finished evaluation of the same
   * checkpoint, scope and engine is returned as it is (cached) unless `rerun` is true.
   */
  'evaluations.start': command<EvaluationSummary[]>()(
    z.object({
      checkpointIds: z.array(z.number().int().min(1)).min(1).max(16),
      scope: evaluationScope,
      engine: z.enum(['python', 'onnx']).default('python'),
      rerun: z.boolean().default(false),
    }),
  ),
  'evaluations.cancel': command<EvaluationSummary>()(z.object({ id: evaluationId })),
  'evaluations.delete': command<{ deleted: number }>()(z.object({ id: evaluationId, confirm: z.literal(true) })),
  /** Metrics side by side, the config diff, the margin scatter and the filter counts. */
  'evaluations.compare': command<EvaluationComparison>()(z.object({ a: evaluationId, b: evaluationId })),
  /** The per-item table of a comparison, filtered and paged (labeled items both evaluations scored). */
  'evaluations.compareItems': command<CompareItemPage>()(
    z.object({
      a: evaluationId,
      b: evaluationId,
      filter: compareFilter.default('all'),
      split: splitName.optional(),
      agreement: agreementKind.optional(),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(100),
    }),
  ),
  /**
   * One item's stored scores. Without `evaluationIds`: from the newest finished evaluation of the
   * most recent checkpoint that scored this item (the model-in-the-loop view); empty when none did.
   */
  'evaluations.itemScores': command<ItemScores[]>()(
    z.object({ itemId, evaluationIds: z.array(evaluationId).max(16).optional() }),
  ),
};

export const evaluationEvents = {
  /** Status or progress of an evaluation changed (progress at most a few times per second). */
  'evaluations.onChanged': event<EvaluationSummary>(),
};
