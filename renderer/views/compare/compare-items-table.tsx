/**
 * The per-item table: filter by outcome (with counts), split and annotator agreement; a page of
 * rows with both models' verdicts and margins. j/k move through the rows, Enter opens one.
 */
import { useEffect, useRef } from 'react';
import { rankingOrderText } from '../items/ranking-display';
import { formatScore } from '../evaluate/metric-format';
import { SideTag, sideName } from './side-tag';
import { AGREEMENT_CHOICES, compareFilters, filterCount, offsetOfPage, PAGE_SIZE, pageCount, SPLIT_CHOICES, withQuery, type AgreementChoice, type CompareQuery, type SplitChoice } from './compare-filters';
import type { CompareItemsState } from './use-compare-items';
import type { CompareItemRow, EvaluationComparison } from '../../client/contract-types';

export interface CompareItemsTableProps {
  comparison: EvaluationComparison;
  query: CompareQuery;
  onQuery(query: CompareQuery): void;
  items: CompareItemsState;
  selected: number | null;
  openItemId: string | null;
  onSelect(index: number): void;
  onOpen(itemId: string): void;
}

const AGREEMENT_WORDS: Record<CompareItemRow['agreement'], string> = {
  none: 'imported',
  single: 'one',
  agree: 'agree',
  disagree: 'disagree',
  adjudicated: 'adjudicated',
};

function Verdict({ correct, margin }: { correct: boolean; margin: number }) {
  return (
    <span className={correct ? 'verdict right' : 'verdict wrong'}>
      <span className="verdict-mark" aria-label={correct ? 'right' : 'wrong'}>
        {correct ? '✓' : '✗'}
      </span>
      <span className="num mono">{formatScore(margin)}</span>
    </span>
  );
}

export function CompareItemsTable({ comparison, query, onQuery, items, selected, openItemId, onSelect, onOpen }: CompareItemsTableProps) {
  const body = useRef<HTMLTableSectionElement>(null);
  const rows = items.page?.rows ?? [];
  const total = items.page?.total ?? 0;
  const page = Math.floor(query.offset / PAGE_SIZE);
  const pages = pageCount(total);

  // Keep the keyboard's row in view.
  useEffect(() => {
    if (selected === null) return;
    body.current?.children[selected]?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  const filters = compareFilters(sideName(comparison.a), sideName(comparison.b));
  return (
    <section className="compare-items" data-testid="compare-items">
      <div className="compare-items-toolbar">
        <div className="segmented compare-filters" role="group" aria-label="Which items">
          {filters.map((entry) => (
            <button
              key={entry.id}
              type="button"
              className={query.filter === entry.id ? `segment active filter-${entry.id}` : `segment filter-${entry.id}`}
              aria-pressed={query.filter === entry.id}
              title={entry.title}
              data-testid={`compare-filter-${entry.id}`}
              onClick={() => onQuery(withQuery(query, { filter: entry.id }))}
            >
              {entry.label} <span className="filter-count num">{filterCount(comparison, entry.id)}</span>
            </button>
          ))}
        </div>
        <select className="select" value={query.split} aria-label="Split" data-testid="compare-split" onChange={(event) => onQuery(withQuery(query, { split: (SPLIT_CHOICES.find((choice) => choice.value === event.target.value)?.value ?? 'all') as SplitChoice }))}>
          {SPLIT_CHOICES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
        <select className="select" value={query.agreement} aria-label="Annotator agreement" data-testid="compare-agreement" onChange={(event) => onQuery(withQuery(query, { agreement: (AGREEMENT_CHOICES.find((choice) => choice.value === event.target.value)?.value ?? 'any') as AgreementChoice }))}>
          {AGREEMENT_CHOICES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
        <span className="grow" />
        <span className="small muted keys-hint">
          <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Enter</kbd> open · <kbd>Esc</kbd> close
        </span>
      </div>

      {items.error && <p className="inline-error">The items could not be listed: {items.error}</p>}
      {/* Focusable so the keyboard can scroll it too (axe: scrollable-region-focusable). */}
      <div className={items.loading ? 'compare-table-wrap stale' : 'compare-table-wrap'} tabIndex={0} role="region" aria-label="Compared items">
        <table className="table compare-table" data-testid="compare-table" data-total={total} data-filter={items.pageQuery?.filter ?? ''} data-loading={items.loading ? 'true' : 'false'}>
          <thead>
            <tr>
              <th>Item</th>
              <th>Split</th>
              <th>Annotators</th>
              <th>Human</th>
              <th className="num">
                <SideTag side="a" evaluation={comparison.a} /> margin
              </th>
              <th className="num">
                <SideTag side="b" evaluation={comparison.b} /> margin
              </th>
              <th>Query</th>
            </tr>
          </thead>
          <tbody ref={body}>
            {rows.map((row, index) => (
              <tr
                key={row.itemId}
                className={[index === selected ? 'selected' : '', row.itemId === openItemId ? 'open' : ''].join(' ').trim() || undefined}
                data-testid="compare-row"
                data-item-id={row.itemId}
                onClick={() => {
                  onSelect(index);
                  onOpen(row.itemId);
                }}
              >
                <td className="mono compare-item-id" title={row.itemId}>
                  {row.itemId}
                </td>
                <td>
                  <span className={`split-badge split-${row.split}`}>{row.split}</span>
                </td>
                <td className={row.agreement === 'disagree' ? 'agreement disagree' : 'agreement muted'}>{AGREEMENT_WORDS[row.agreement]}</td>
                <td className="mono small">{row.humanRanking ? rankingOrderText(row.humanRanking) : '–'}</td>
                <td className="num">
                  <Verdict correct={row.correctA} margin={row.marginA} />
                </td>
                <td className="num">
                  <Verdict correct={row.correctB} margin={row.marginB} />
                </td>
                <td className="compare-query" title={row.query}>
                  {row.query}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {!items.loading && rows.length === 0 && !items.error && (
          <p className="small muted compare-table-empty" data-testid="compare-table-empty">
            No items match: {filters.find((entry) => entry.id === query.filter)?.label}
            {query.split !== 'all' ? `, ${query.split}` : ''}
            {query.agreement !== 'any' ? `, ${AGREEMENT_CHOICES.find((choice) => choice.value === query.agreement)?.label.toLowerCase()}` : ''}.
          </p>
        )}
      </div>
      {total > PAGE_SIZE && (
        <div className="compare-pager small" data-testid="compare-pager">
          <button type="button" className="button small" disabled={page === 0} onClick={() => onQuery({ ...query, offset: offsetOfPage(page - 1, total) })} data-testid="compare-page-previous">
            ‹ Previous
          </button>
          <span className="muted num">
            {query.offset + 1}–{Math.min(total, query.offset + PAGE_SIZE)} of {total.toLocaleString()} · page {page + 1} of {pages}
          </span>
          <button type="button" className="button small" disabled={page + 1 >= pages} onClick={() => onQuery({ ...query, offset: offsetOfPage(page + 1, total) })} data-testid="compare-page-next">
            Next ›
          </button>
        </div>
      )}
    </section>
  );
}
