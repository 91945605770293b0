/**
 * How the annotators' judgments of an item relate, as one SQL expression over `items i` for the
 * compare table's agreement filter. Built from the queue's own conditions (store/item-filters.ts:
 * ADJUDICATED, CONFLICTING — the same "rankings differ as stored" rule as annotation/agreement.ts
 * isConflict), so a "disagree" item here is exactly a "conflicting" item in Annotate.
 *
 * adjudicated: an adjudication exists (wins over the rest); none: nobody judged it; disagree: two
 * or more annotators ranked it differently; agree: two or more ranked it alike; single: one did.
 */
import { ADJUDICATED, CONFLICTING } from '../store/item-filters';

export const AGREEMENT_KIND_SQL = `(CASE
  WHEN i.judgments_n = 0 THEN 'none'
  WHEN ${ADJUDICATED} THEN 'adjudicated'
  WHEN ${CONFLICTING} THEN 'disagree'
  WHEN i.judgments_n >= 2 THEN 'agree'
  ELSE 'single' END)`;
