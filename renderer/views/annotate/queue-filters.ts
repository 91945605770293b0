/** The Annotate queue's filters, as the toolbar edits them and `items.list` receives them. */
import type { CommandInput, Split } from '../../client/contract-types';

export type JudgedFilter = 'not-by-me' | 'any' | 'by-me' | 'by-others' | 'conflicting';

/** 'queue': unjudged first, in import order. 'uncertain': the model's smallest top-two score gap first. */
export type QueueOrder = 'queue' | 'uncertain';

export interface QueueFilters {
  split: Split | 'all';
  judged: JudgedFilter;
  flagged: 'all' | 'flagged' | 'unflagged';
  search: string;
  order: QueueOrder;
  /** The evaluation 'uncertain' orders by; null: the newest one (the core's default). */
  evaluationId: number | null;
}

export const DEFAULT_QUEUE_FILTERS: QueueFilters = { split: 'all', judged: 'not-by-me', flagged: 'all', search: '', order: 'queue', evaluationId: null };

export const JUDGED_LABELS: Record<JudgedFilter, string> = {
  'not-by-me': 'To do',
  any: 'All',
  'by-me': 'Judged by me',
  'by-others': 'By others',
  conflicting: 'Conflicting',
};

export const ORDER_LABELS: Record<QueueOrder, string> = {
  queue: 'Queue order',
  uncertain: 'Uncertain first',
};

export function queueFilterKey(filters: QueueFilters): string {
  const evaluationId = filters.order === 'uncertain' ? filters.evaluationId : null;
  return JSON.stringify([filters.split, filters.judged, filters.flagged, filters.search.trim(), filters.order, evaluationId]);
}

/** The `items.list` input for one page of the queue, in queue order (unjudged first) or most uncertain first. */
export function queueListInput(filters: QueueFilters, annotator: string, offset: number, limit: number): CommandInput<'items.list'> {
  const search = filters.search.trim();
  return {
    order: filters.order,
    evaluationId: filters.order === 'uncertain' && filters.evaluationId !== null ? filters.evaluationId : undefined,
    annotator,
    offset,
    limit,
    judged: filters.judged,
    split: filters.split === 'all' ? undefined : filters.split,
    flagged: filters.flagged === 'all' ? undefined : filters.flagged === 'flagged',
    search: search || undefined,
  };
}
