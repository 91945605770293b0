/**
 * The per-item table's query (filter, split, agreement, page) and the keyboard movement through
 * its rows. Pure: the Compare view holds it in state, tests exercise it directly.
 */
import type { AgreementKind, CommandInput, CompareFilter, EvaluationComparison } from '../../client/contract-types';

export type SplitChoice = 'all' | 'train' | 'val' | 'test';
export type AgreementChoice = 'any' | AgreementKind;

export interface CompareQuery {
  filter: CompareFilter;
  split: SplitChoice;
  agreement: AgreementChoice;
  offset: number;
}

export const PAGE_SIZE = 100;

export const INITIAL_QUERY: CompareQuery = { filter: 'all', split: 'all', agreement: 'any', offset: 0 };

/**
 * The filters, with each checkpoint called by its name (run · step): on the Compare page A and B
 * are the responses of an item, so the models are never called that.
 */
export function compareFilters(nameA: string, nameB: string): readonly { id: CompareFilter; label: string; title: string }[] {
  return [
    { id: 'all', label: 'All', title: 'Every labeled item both evaluations scored' },
    { id: 'a-only', label: `Only ${nameA} right`, title: `${nameA} ranked the human’s best response on top, ${nameB} did not` },
    { id: 'b-only', label: `Only ${nameB} right`, title: `${nameB} ranked the human’s best response on top, ${nameA} did not` },
    { id: 'both-wrong', label: 'Both wrong', title: 'Neither model put the human’s best response on top' },
    { id: 'both-right', label: 'Both right', title: 'Both models put the human’s best response on top' },
    { id: 'disagree', label: 'Different top', title: 'The two models put different responses on top, right or wrong' },
  ];
}

export const AGREEMENT_CHOICES: readonly { value: AgreementChoice; label: string }[] = [
  { value: 'any', label: 'Any agreement' },
  { value: 'agree', label: 'Annotators agree' },
  { value: 'disagree', label: 'Annotators disagree' },
  { value: 'adjudicated', label: 'Adjudicated' },
  { value: 'single', label: 'One annotator' },
  { value: 'none', label: 'No annotator (imported)' },
];

export const SPLIT_CHOICES: readonly { value: SplitChoice; label: string }[] = [
  { value: 'all', label: 'All splits' },
  { value: 'train', label: 'train' },
  { value: 'val', label: 'val' },
  { value: 'test', label: 'test' },
];

/** A changed filter, split or agreement starts again at the first page. */
export function withQuery(query: CompareQuery, change: Partial<Omit<CompareQuery, 'offset'>>): CompareQuery {
  return { ...query, ...change, offset: 0 };
}

export function pageCount(total: number): number {
  return Math.max(1, Math.ceil(total / PAGE_SIZE));
}

/** The offset of page `page` (0-based), clamped to the pages that exist. */
export function offsetOfPage(page: number, total: number): number {
  const last = pageCount(total) - 1;
  return Math.min(last, Math.max(0, page)) * PAGE_SIZE;
}

export function filterCount(comparison: EvaluationComparison, filter: CompareFilter): number {
  return comparison.counts[filter] ?? 0;
}

/** The next selected row for j/k: clamped, and the first row when nothing was selected. */
export function moveSelection(current: number | null, delta: number, rowCount: number): number | null {
  if (rowCount === 0) return null;
  if (current === null) return delta >= 0 ? 0 : rowCount - 1;
  return Math.min(rowCount - 1, Math.max(0, current + delta));
}

/** The contract's input for one page (split and agreement only when narrowed). */
export function compareItemsInput(a: number, b: number, query: CompareQuery): CommandInput<'evaluations.compareItems'> {
  return {
    a,
    b,
    filter: query.filter,
    offset: query.offset,
    limit: PAGE_SIZE,
    ...(query.split !== 'all' ? { split: query.split } : {}),
    ...(query.agreement !== 'any' ? { agreement: query.agreement } : {}),
  };
}
