/**
 * One item's stored scores: from the evaluations asked for, or — the model-in-the-loop view —
 * from the newest finished evaluation of the most recent checkpoint that scored the item.
 */
import type Database from 'better-sqlite3';
import { StudioError } from '../errors';
import { liveItemRowid } from '../store/item-queries';
import { joinCheckpointAndRun, NEWEST_CHECKPOINT_FIRST } from '../runs/run-records';
import { SCORED_EVALUATION_STATUS } from './evaluation-records';
import type { ItemScores } from './types';

/** Named as ItemScores names its fields (SQL aliases): only the scores and `correct` need converting. */
type ScoredRow = Omit<ItemScores, 'scores' | 'correct'> & { scoresJson: string; correct: number | null };

const SCORED = `SELECT ei.evaluation_id AS evaluationId, e.checkpoint_id AS checkpointId, r.name AS runName, c.step,
    ei.correct, ei.margin, ei.top_gap AS topGap,
    (SELECT json_group_array(s.score) FROM (SELECT score FROM scores s WHERE s.evaluation_id = ei.evaluation_id
       AND s.item_rowid = ei.item_rowid ORDER BY s.response_idx) s) AS scoresJson
  FROM evaluation_items ei
  JOIN evaluations e ON e.id = ei.evaluation_id
  ${joinCheckpointAndRun('e.checkpoint_id')}
  WHERE ei.item_rowid = @rowid AND ei.scored = 1`;

/** "Most recent checkpoint": newest by creation time (then id), and its newest finished evaluation. */
export const LATEST_FIRST = `${NEWEST_CHECKPOINT_FIRST}, e.id DESC`;

export function itemScores(db: Database.Database, itemId: string, evaluationIds?: readonly number[]): ItemScores[] {
  const rowid = liveItemRowid(db, itemId);
  if (rowid === undefined) throw new StudioError('not_found', `no item with id "${itemId}" in this project`, 'Refresh the item list.');
  if (evaluationIds === undefined) {
    const latest = db.prepare(`${SCORED} AND e.status = @scored ORDER BY ${LATEST_FIRST} LIMIT 1`).get({ rowid, scored: SCORED_EVALUATION_STATUS }) as ScoredRow | undefined;
    return latest ? [toItemScores(latest)] : [];
  }
  const rows = db.prepare(`${SCORED} AND ei.evaluation_id IN (SELECT value FROM json_each(@ids))`).all({
    rowid,
    ids: JSON.stringify(evaluationIds),
  }) as ScoredRow[];
  const byId = new Map(rows.map((row) => [row.evaluationId, row]));
  // In the order asked for; an evaluation that did not score this item is left out.
  return evaluationIds.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toItemScores(row)] : [];
  });
}

function toItemScores({ scoresJson, correct, ...row }: ScoredRow): ItemScores {
  return { ...row, scores: JSON.parse(scoresJson) as number[], correct: correct === null ? null : correct === 1 };
}
