/**
 * Storing an engine's results.jsonl into project.sqlite (scores: one row per response;
 * evaluation_items: what follows per item) and measuring the evaluation from what was stored.
 */
import type Database from 'better-sqlite3';
import { StudioError } from '../errors';
import { joinItem, responseCountSql } from '../store/item-queries';
import { itemOutcome, MetricsAccumulator } from './evaluation-metrics';
import type { ScoringReport } from './scoring-engine';
import type { EvaluationMetrics } from './types';

export interface StoredResults {
  scoredItems: number;
  /** Result lines naming an item the evaluation did not freeze (ignored). */
  unknownIds: number;
}

/**
 * Writes every result line's scores and the per-item outcome. Items in data.jsonl that the
 * engine did not score (dropped for length) lose their evaluation_items row. Call inside a
 * transaction together with `measureEvaluation` and the status change.
 */
export function storeResults(db: Database.Database, evaluationId: number, resultsText: string, resultsFile: string): StoredResults {
  // One pass over the frozen items instead of a lookup by id per result line (half the time on 100k).
  const frozen = new Map<string, [rowid: number, rankingJson: string | null, responses: number]>();
  const rows = db.prepare(
    `SELECT i.id, ei.item_rowid, ei.ranking_json, ${responseCountSql('ei.item_rowid')} AS n
     FROM evaluation_items ei ${joinItem('i', 'ei.item_rowid')} WHERE ei.evaluation_id = ?`,
  ).raw();
  for (const [id, rowid, rankingJson, n] of rows.iterate(evaluationId) as IterableIterator<[string, number, string | null, number]>) {
    frozen.set(id, [rowid, rankingJson, n]);
  }
  const insertScore = db.prepare('INSERT INTO scores (evaluation_id, item_rowid, response_idx, score) VALUES (?, ?, ?, ?)');
  const updateItem = db.prepare(
    `UPDATE evaluation_items SET scored = 1, top_idx = ?, top_gap = ?, correct = ?, margin = ?
     WHERE evaluation_id = ? AND item_rowid = ?`,
  );
  let scoredItems = 0;
  let unknownIds = 0;
  let lineNo = 0;
  for (const line of resultsText.split('\n')) {
    lineNo += 1;
    if (line.trim() === '') continue;
    const row = parseResult(line, `${resultsFile}:${lineNo}`);
    const item = frozen.get(row.id);
    if (item === undefined) {
      unknownIds += 1;
      continue;
    }
    const [rowid, rankingJson, responses] = item;
    if (row.scores.length !== responses) {
      throw new StudioError('bad_file', `${resultsFile}:${lineNo}: item "${row.id}" has ${responses} responses but ${row.scores.length} scores`, 'Run the evaluation again.');
    }
    const ranking = rankingJson === null ? null : (JSON.parse(rankingJson) as number[]);
    row.scores.forEach((score, index) => insertScore.run(evaluationId, rowid, index, score));
    const outcome = itemOutcome(row.scores, ranking);
    updateItem.run(outcome.topIdx, outcome.topGap, outcome.correct === null ? null : outcome.correct ? 1 : 0, outcome.margin, evaluationId, rowid);
    scoredItems += 1;
  }
  db.prepare('DELETE FROM evaluation_items WHERE evaluation_id = ? AND scored = 0').run(evaluationId);
  return { scoredItems, unknownIds };
}

/** The metrics, from the scores table and the frozen rankings (never from what the engine reported). */
export function measureEvaluation(db: Database.Database, evaluationId: number, extra: ScoringReport & { seconds: number }): EvaluationMetrics {
  const accumulator = new MetricsAccumulator();
  const rows = db.prepare(
    `SELECT ei.item_rowid, ei.ranking_json, s.score FROM evaluation_items ei
     JOIN scores s ON s.evaluation_id = ei.evaluation_id AND s.item_rowid = ei.item_rowid
     WHERE ei.evaluation_id = ? AND ei.scored = 1 ORDER BY ei.item_rowid, s.response_idx`,
  ).raw();
  let current = -1;
  let ranking: number[] | null = null;
  let scores: number[] = [];
  for (const [rowid, rankingJson, score] of rows.iterate(evaluationId) as IterableIterator<[number, string | null, number]>) {
    if (rowid !== current) {
      if (current !== -1) accumulator.add(scores, ranking);
      current = rowid;
      ranking = rankingJson === null ? null : (JSON.parse(rankingJson) as number[]);
      scores = [];
    }
    scores.push(score);
  }
  if (current !== -1) accumulator.add(scores, ranking);
  return accumulator.result(extra);
}

function parseResult(line: string, where: string): { id: string; scores: number[] } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new StudioError('bad_file', `${where}: not valid JSON`, 'Run the evaluation again.');
  }
  const row = value as { id?: unknown; scores?: unknown };
  if (typeof row.id !== 'string' || !Array.isArray(row.scores) || !row.scores.every((s) => typeof s === 'number' && Number.isFinite(s))) {
    throw new StudioError('bad_file', `${where}: expected {"id": "...", "scores": [numbers]}`, 'Run the evaluation again.');
  }
  return { id: row.id, scores: row.scores as number[] };
}
