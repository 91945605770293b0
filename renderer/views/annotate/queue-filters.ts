/** The Annotate queue's filters, as the toolbar edits them and `items.list` receives them. */
import type { CommandInput } from '../../../app/contract';
import type { Split } from '../../../app/store/types';

export type JudgedFilter = 'not-by-me' | 'any' | 'by-me' | 'by-others' | 'conflicting';

export interface QueueFilters {
  split: Split | 'all';
  judged: JudgedFilter;
  flagged: 'all' | 'flagged' | 'unflagged';
  search: string;
}

export const DEFAULT_QUEUE_FILTERS: QueueFilters = { split: 'all', judged: 'not-by-me', flagged: 'all', search: '' };

export const JUDGED_LABELS: Record<JudgedFilter, string> = {
  'not-by-me': 'To do',
  any: 'All',
  'by-me': 'Judged by me',
  'by-others': 'By others',
  conflicting: 'Conflicting',
};

export function queueFilterKey(filters: QueueFilters): string {
  return JSON.stringify([filters.split, filters.judged, filters.flagged, filters.search.trim()]);
}

/** The `items.list` input for one page of the queue, in queue order (unjudged first). */
export function queueListInput(filters: QueueFilters, annotator: string, offset: number, limit: number): CommandInput<'items.list'> {
  const search = filters.search.trim();
  return {
    order: 'queue',
    annotator,
    offset,
    limit,
    judged: filters.judged,
    split: filters.split === 'all' ? undefined : filters.split,
    flagged: filters.flagged === 'all' ? undefined : filters.flagged === 'flagged',
    search: search || undefined,
  };
}
