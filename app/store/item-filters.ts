import { StudioError } from '../errors';
import type { ItemFilter } from './types';

/**
 * The SQL behind the item filters and the queue order, over `items i`.
 *
 * "Judged" means an annotator's own judgment (sources 'import' and 'ui'); an adjudication is the
 * final word on an item, not a vote, so it never makes an item "judged by me". Conditions that
 * only need to tell judged from unjudged read `items.judgments_n` (kept by triggers, migration 4)
 * instead of looking up judgments per item: on 100k items that is the difference between a few
 * milliseconds and a hundred.
 */

export interface FilterSql {
  where: string;
  params: Record<string, string | number>;
}

/** `annotator`'s id, or -1 when the name has never judged anything in this project (so matches nothing). */
export type AnnotatorIdLookup = (name: string) => number;

// IN (list) rather than a correlated EXISTS: SQLite builds the list of one annotator's items once
// from the judgments_annotator index, which halves the cost of a filtered total on 100k items.
const MY_ITEMS = `(SELECT j.item_rowid FROM judgments j WHERE j.annotator_id = @me AND j.source <> 'adjudication')`;
const OTHERS_ITEMS = `(SELECT j.item_rowid FROM judgments j WHERE j.annotator_id <> @me AND j.source <> 'adjudication')`;
/**
 * Two annotators' rankings differ (compared as stored JSON, see annotation/agreement.ts
 * isConflict). MIN <> MAX instead of COUNT(DISTINCT): the same answer without a temporary b-tree.
 */
export const CONFLICTING = `(i.judgments_n >= 2 AND (SELECT MIN(j.ranking_json) <> MAX(j.ranking_json) FROM judgments j
  WHERE j.item_rowid = i.rowid AND j.source <> 'adjudication'))`;
export const ADJUDICATED = `EXISTS (SELECT 1 FROM judgments j WHERE j.item_rowid = i.rowid AND j.source = 'adjudication')`;

export function itemFilterSql(filter: ItemFilter, annotatorId: AnnotatorIdLookup): FilterSql {
  const clauses = ['i.deleted_at IS NULL'];
  const params: Record<string, string | number> = {};
  if (filter.split !== undefined) {
    clauses.push('i.split = @split');
    params.split = filter.split;
  }
  if (filter.id !== undefined) {
    clauses.push('i.id = @id');
    params.id = filter.id;
  }
  if (filter.flagged !== undefined) clauses.push(filter.flagged ? 'i.flagged = 1' : 'i.flagged = 0');
  if (filter.status === 'labeled') clauses.push('i.judgments_n > 0');
  if (filter.status === 'unlabeled') clauses.push('i.judgments_n = 0');
  const search = filter.search?.trim();
  if (search) {
    clauses.push(
      `(i.query LIKE @search ESCAPE '\\' OR EXISTS (SELECT 1 FROM responses r WHERE r.item_rowid = i.rowid AND r.text LIKE @search ESCAPE '\\'))`,
    );
    params.search = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  }
  const judged = filter.judged ?? 'any';
  if (judged !== 'any' && judged !== 'conflicting') {
    const me = filter.annotator?.trim();
    if (!me) {
      throw new StudioError(
        'invalid_input',
        `the filter judged = "${judged}" needs an annotator to be seen from`,
        'Set your annotator name in Settings, or pass `annotator` with the filter.',
      );
    }
    params.me = annotatorId(me);
    if (judged === 'by-me') clauses.push(`i.judgments_n > 0 AND i.rowid IN ${MY_ITEMS}`);
    if (judged === 'not-by-me') clauses.push(`(i.judgments_n = 0 OR i.rowid NOT IN ${MY_ITEMS})`);
    if (judged === 'by-others') clauses.push(`i.judgments_n > 0 AND i.rowid IN ${OTHERS_ITEMS}`);
  }
  if (judged === 'conflicting') clauses.push(CONFLICTING);
  return { where: clauses.join(' AND '), params };
}

/**
 * The queue's segments, in order: items nobody judged, items judged only by others, items `me`
 * judged (without an annotator: unjudged, then judged). Each is listed in import order, so a
 * page is a walk through the segments — and the first page needs no counting at all.
 */
export function queueSegments(annotator: string | undefined, annotatorId: AnnotatorIdLookup): FilterSql[] {
  const me = annotator?.trim();
  if (!me) return [{ where: 'i.judgments_n = 0', params: {} }, { where: 'i.judgments_n > 0', params: {} }];
  const params = { me: annotatorId(me) };
  return [
    { where: 'i.judgments_n = 0', params: {} },
    { where: `i.judgments_n > 0 AND i.rowid NOT IN ${MY_ITEMS}`, params },
    { where: `i.judgments_n > 0 AND i.rowid IN ${MY_ITEMS}`, params },
  ];
}
