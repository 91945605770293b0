import type { Ranking } from './types';

/**
 * Why `value` is not a valid ranking of `responseCount` responses, or null when it is.
 * A ranking gives each response a rank, 0 = best; equal ranks are ties, and the best rank
 * must be 0 so that the same preference always has the same spelling.
 * `field` names the value in the message (e.g. `human_ranking`).
 */
export function rankingProblem(value: unknown, responseCount: number, field: string = 'ranking'): string | null {
  if (!Array.isArray(value)) {
    return `${field} must be a list of ranks (one integer per response, 0 = best), not ${describe(value)}`;
  }
  if (value.length !== responseCount) {
    return `${field} has ${value.length} ${value.length === 1 ? 'entry' : 'entries'} but there are ${responseCount} responses; give one rank per response`;
  }
  for (let i = 0; i < value.length; i++) {
    const rank: unknown = value[i];
    if (typeof rank !== 'number' || !Number.isInteger(rank)) {
      return `${field}[${i}] is ${describe(rank)}; ranks are integers (0 = best)`;
    }
    if (rank < 0 || rank > responseCount - 1) {
      return `${field}[${i}] = ${rank} is out of range; ranks go from 0 (best) to ${responseCount - 1}`;
    }
  }
  const ranks = value as number[];
  // A loop, not Math.min(...ranks): spreading a huge array overflows the stack.
  if (!ranks.includes(0)) {
    return `${field} ${abbreviated(ranks)} has no rank 0; the best response must have rank 0`;
  }
  return null;
}

export function isValidRanking(value: unknown, responseCount: number): value is Ranking {
  return rankingProblem(value, responseCount) === null;
}

/** A ranking short enough for a message: the first ranks and how many more. */
function abbreviated(ranks: number[]): string {
  const SHOWN = 16;
  return ranks.length <= SHOWN ? JSON.stringify(ranks) : `[${ranks.slice(0, SHOWN).join(',')},… ${ranks.length - SHOWN} more]`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value)}`;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}
