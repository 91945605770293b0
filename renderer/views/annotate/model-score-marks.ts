/** The model's scores of one item, placed on the responses as they are shown (screen order, not stored order). */
import type { CommandResult } from '../../client/contract-types';

export type ItemScores = CommandResult<'evaluations.itemScores'>[number];

export interface ModelScoreMark {
  score: number;
  /** The response the model scores highest (none when the top scores tie). */
  preferred: boolean;
}

/** `order[position]` is the stored index of the response shown at `position`; scores are by stored index. */
export function modelScoreMarks(scores: readonly number[], order: readonly number[]): (ModelScoreMark | null)[] {
  let top = -Infinity;
  let topCount = 0;
  for (const original of order) {
    const score = scores[original];
    if (score === undefined) continue;
    if (score > top) {
      top = score;
      topCount = 1;
    } else if (score === top) topCount += 1;
  }
  return order.map((original) => {
    const score = scores[original];
    if (score === undefined || !Number.isFinite(score)) return null;
    return { score, preferred: topCount === 1 && score === top };
  });
}
