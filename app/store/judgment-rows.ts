import type { Judgment, JudgmentSource } from './types';

/** A `judgments` row as SQLite returns it (joined with the annotator's name). */
export interface JudgmentRow {
  id: number;
  item_rowid: number;
  annotator_id: number;
  annotator: string;
  ranking_json: string;
  decision: string | null;
  strength: string | null;
  time_ms: number | null;
  shown_order_json: string | null;
  note: string | null;
  flagged: number;
  source: JudgmentSource;
  created_at: string;
  updated_at: string;
  guideline_version: number | null;
}

export const JUDGMENT_COLUMNS = `j.id, j.item_rowid, j.annotator_id, a.name AS annotator, j.ranking_json, j.decision,
  j.strength, j.time_ms, j.shown_order_json, j.note, j.flagged, j.source, j.created_at, j.updated_at, j.guideline_version`;

export function toJudgment(row: JudgmentRow): Judgment {
  return {
    id: row.id,
    annotator: row.annotator,
    ranking: JSON.parse(row.ranking_json) as number[],
    decision: row.decision,
    strength: row.strength,
    timeMs: row.time_ms,
    shownOrder: row.shown_order_json === null ? null : (JSON.parse(row.shown_order_json) as number[]),
    note: row.note,
    flagged: row.flagged === 1,
    source: row.source,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    guidelineVersion: row.guideline_version,
  };
}

/**
 * Orders an item's judgments so the first is the one export uses: an adjudication wins,
 * otherwise the most recently updated (the later id breaks a same-millisecond tie).
 */
export const RESOLVED_ORDER = `(j.source = 'adjudication') DESC, j.updated_at DESC, j.id DESC`;
