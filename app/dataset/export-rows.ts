import type { FullItem } from '../store/item-pages';
import type { PromptContentPart, PromptMessage, Ranking } from '../store/types';

/** One line of the seed (000) format, with exactly its field names. */
export interface SeedLine {
  id: string;
  query: string;
  /** One image: a string; several: a list; none: the field is left out. */
  image?: string | string[];
  response: string[];
  /** null only for unlabeled items exported on request. */
  human_ranking: Ranking | null;
}

export function seedLine(item: FullItem, imagePaths: string[]): SeedLine {
  const line: SeedLine = { id: item.id, query: item.query, response: item.responses, human_ranking: item.ranking };
  if (imagePaths.length === 1) line.image = imagePaths[0];
  if (imagePaths.length > 1) line.image = imagePaths;
  // Key order as in the seed's README: id, query, image, response, human_ranking.
  return { id: line.id, query: line.query, ...(line.image === undefined ? {} : { image: line.image }), response: line.response, human_ranking: line.human_ranking };
}

/** One line of TRL's conversational preference format (seed 003), plus `id` and `images`. */
export interface TrlLine {
  id: string;
  chosen: PromptMessage[];
  rejected: PromptMessage[];
  images?: string[];
}

export interface TrlPairs {
  lines: TrlLine[];
  ties: number;
}

/**
 * Expands a ranking into every ordered pair (i better than j when rank_i < rank_j). Ties have
 * no TRL spelling, so they are counted and left out. A single pair keeps the item's id (so a
 * TRL file round-trips unchanged); several get `<id>#<i>-<j>`.
 */
export function trlLines(item: FullItem, imagePaths: string[]): TrlPairs {
  const ranking = item.ranking;
  if (ranking === null) return { lines: [], ties: 0 };
  const pairs: [number, number][] = [];
  let ties = 0;
  for (let i = 0; i < ranking.length; i++) {
    for (let j = 0; j < ranking.length; j++) {
      const ri = ranking[i] as number;
      const rj = ranking[j] as number;
      if (ri < rj) pairs.push([i, j]);
      else if (ri === rj && i < j) ties += 1;
    }
  }
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const prompt = promptMessages(item, imagePaths.length);
  const lines = pairs.map(([i, j]): TrlLine => {
    const line: TrlLine = {
      id: pairs.length === 1 ? item.id : `${item.id}#${i}-${j}`,
      chosen: [...prompt, { role: 'assistant', content: item.responses[i] ?? '' }],
      rejected: [...prompt, { role: 'assistant', content: item.responses[j] ?? '' }],
    };
    if (imagePaths.length > 0) line.images = imagePaths;
    return line;
  });
  return { lines, ties };
}

/** The stored conversation when there is one; otherwise one user turn: image parts, then the query. */
function promptMessages(item: FullItem, imageCount: number): PromptMessage[] {
  if (item.promptJson !== null) return JSON.parse(item.promptJson) as PromptMessage[];
  if (imageCount === 0) return [{ role: 'user', content: item.query }];
  const parts: PromptContentPart[] = [
    ...Array.from({ length: imageCount }, (): PromptContentPart => ({ type: 'image' })),
    { type: 'text', text: item.query },
  ];
  return [{ role: 'user', content: parts }];
}
