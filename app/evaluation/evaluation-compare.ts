/**
 * Two evaluations side by side. Everything is read from evaluation_items (per-item outcome of the
 * stored scores) joined on the item (the store's joinItem), so filters, counts and pages are SQL over an index, and the
 * scatter comes back as parallel arrays (no object per point).
 *
 * The compared items are the live items both evaluations scored and both froze with a human
 * preference. `correct` and `margin` are each evaluation's own (against the ranking it froze);
 * the row's humanRanking is A's.
 */
import type Database from 'better-sqlite3';
import { joinItem, responseCountSql } from '../store/item-queries';
import type { Split } from '../store/types';
import { AGREEMENT_KIND_SQL } from './agreement-kind';
import { configDiff } from './config-diff';
import { toEvaluationSummary, type EvaluationRow } from './evaluation-records';
import type { AgreementKind, CompareFilter, CompareItemPage, CompareItemRow, EvaluationComparison, EvaluationMetrics } from './types';

export interface CompareItemsQuery {
  a: number;
  b: number;
  filter: CompareFilter;
  split?: Split;
  agreement?: AgreementKind;
  offset: number;
  limit: number;
}

export const FILTER_SQL: Record<CompareFilter, string> = {
  all: '1',
  'a-only': 'a.correct = 1 AND b.correct = 0',
  'b-only': 'a.correct = 0 AND b.correct = 1',
  'both-wrong': 'a.correct = 0 AND b.correct = 0',
  'both-right': 'a.correct = 1 AND b.correct = 1',
  // The two checkpoints put a different response on top.
  disagree: 'a.top_idx <> b.top_idx',
};

const BOTH_SCORED = `FROM evaluation_items a
  JOIN evaluation_items b ON b.evaluation_id = @b AND b.item_rowid = a.item_rowid AND b.scored = 1 AND b.correct IS NOT NULL
  ${joinItem('i', 'a.item_rowid', { live: true })}
  WHERE a.evaluation_id = @a AND a.scored = 1 AND a.correct IS NOT NULL`;

const NUMERIC_METRICS: readonly (keyof EvaluationMetrics)[] = [
  'items', 'pairs', 'accuracy', 'pairwiseAccuracy', 'meanMargin', 'loss', 'ece', 'scoredItems', 'truncatedResponses', 'droppedItems', 'seconds',
];

export function compareEvaluations(db: Database.Database, a: EvaluationRow, b: EvaluationRow): EvaluationComparison {
  const difference: Record<string, number> = {};
  if (a.metrics && b.metrics) {
    for (const key of NUMERIC_METRICS) difference[key] = (b.metrics[key] as number) - (a.metrics[key] as number);
  }
  const params = { a: a.id, b: b.id };
  const scatter: EvaluationComparison['scatter'] = { itemIds: [], marginA: [], marginB: [], correctA: [], correctB: [] };
  const points = db.prepare(`SELECT i.id, a.margin, b.margin, a.correct, b.correct ${BOTH_SCORED} ORDER BY a.item_rowid`).raw();
  for (const [id, marginA, marginB, correctA, correctB] of points.iterate(params) as IterableIterator<[string, number, number, number, number]>) {
    scatter.itemIds.push(id);
    scatter.marginA.push(marginA);
    scatter.marginB.push(marginB);
    scatter.correctA.push(correctA === 1);
    scatter.correctB.push(correctB === 1);
  }
  const filters = Object.keys(FILTER_SQL) as CompareFilter[];
  const sums = filters.map((filter, index) => `SUM(CASE WHEN ${FILTER_SQL[filter]} THEN 1 ELSE 0 END) AS f${index}`).join(', ');
  const row = db.prepare(`SELECT ${sums} ${BOTH_SCORED}`).get(params) as Record<string, number | null>;
  const counts = Object.fromEntries(filters.map((filter, index) => [filter, row[`f${index}`] ?? 0])) as Record<CompareFilter, number>;
  return {
    a: toEvaluationSummary(a),
    b: toEvaluationSummary(b),
    difference,
    configDiff: a.runId === b.runId ? [] : configDiff(a.runConfig, b.runConfig),
    scatter,
    counts,
  };
}

interface PageRow {
  rowid: number;
  id: string;
  split: Split;
  query: string;
  responses: number;
  ranking_json: string | null;
  agreement: AgreementKind;
  correct_a: number;
  correct_b: number;
  margin_a: number;
  margin_b: number;
}

export function compareItemPage(db: Database.Database, query: CompareItemsQuery): CompareItemPage {
  const clauses = [FILTER_SQL[query.filter]];
  const params: Record<string, string | number> = { a: query.a, b: query.b };
  if (query.split !== undefined) {
    clauses.push('i.split = @split');
    params.split = query.split;
  }
  if (query.agreement !== undefined) {
    clauses.push(`${AGREEMENT_KIND_SQL} = @agreement`);
    params.agreement = query.agreement;
  }
  const where = `${BOTH_SCORED} AND ${clauses.join(' AND ')}`;
  const total = (db.prepare(`SELECT COUNT(*) AS n ${where}`).get(params) as { n: number }).n;
  // The page is picked on rowids alone; only its rows compute their columns.
  const rows = db.prepare(
    `SELECT i.rowid, i.id, i.split, i.query, ${responseCountSql('i.rowid')} AS responses,
       a.ranking_json, ${AGREEMENT_KIND_SQL} AS agreement,
       a.correct AS correct_a, b.correct AS correct_b, a.margin AS margin_a, b.margin AS margin_b
     FROM (SELECT a.item_rowid AS rid ${where} ORDER BY a.item_rowid LIMIT @limit OFFSET @offset) p
     ${joinItem('i', 'p.rid', { cross: true })}
     JOIN evaluation_items a ON a.evaluation_id = @a AND a.item_rowid = p.rid
     JOIN evaluation_items b ON b.evaluation_id = @b AND b.item_rowid = p.rid
     ORDER BY i.rowid`,
  ).all({ ...params, limit: query.limit, offset: query.offset }) as PageRow[];
  const scoresA = scoresOf(db, query.a, rows);
  const scoresB = scoresOf(db, query.b, rows);
  return {
    total,
    rows: rows.map(
      (row): CompareItemRow => ({
        itemId: row.id,
        split: row.split,
        query: row.query,
        responses: row.responses,
        humanRanking: row.ranking_json === null ? null : (JSON.parse(row.ranking_json) as number[]),
        agreement: row.agreement,
        scoresA: scoresA.get(row.rowid) ?? [],
        scoresB: scoresB.get(row.rowid) ?? [],
        correctA: row.correct_a === 1,
        correctB: row.correct_b === 1,
        marginA: row.margin_a,
        marginB: row.margin_b,
      }),
    ),
  };
}

/** Scores of a page's items in one query, grouped per item in response order. */
export function scoresOf(db: Database.Database, evaluationId: number, rows: readonly { rowid: number }[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  if (rows.length === 0) return out;
  const found = db.prepare(
    `SELECT item_rowid, score FROM scores WHERE evaluation_id = ? AND item_rowid IN (SELECT value FROM json_each(?))
     ORDER BY item_rowid, response_idx`,
  ).raw().all(evaluationId, JSON.stringify(rows.map((row) => row.rowid))) as [number, number][];
  for (const [rowid, score] of found) {
    let list = out.get(rowid);
    if (list === undefined) {
      list = [];
      out.set(rowid, list);
    }
    list.push(score);
  }
  return out;
}
