/**
 * The rows every export writer starts from: the seed line (one per item, everything the studio
 * keeps) and the ordered pairs a ranking expands into (the pair formats: TRL, LLaMA-Factory,
 * ms-swift, Parquet).
 */
import type { FullItem } from '../store/item-pages';
import type { Judgment, JudgmentSource, PromptContentPart, PromptMessage, Ranking } from '../store/types';

/** The seed fields, then the optional conversation fields, in the order they are written. */
export const SEED_FIELDS = ['id', 'query', 'image', 'response', 'human_ranking', 'messages', 'tools', 'margin'] as const;

/**
 * One line of the seed (000) format, with exactly its field names, plus what the studio's seed
 * reader also reads: `messages` (the conversation, image parts in the order of `image`),
 * `tools` and `margin`, each only when the item has it, and the item's metadata (source columns
 * no reader used) as further top-level fields. Plain seed readers ignore what they do not know.
 */
export interface SeedLine {
  id: string;
  query: string;
  /** One image: a string; several: a list; none: the field is left out. */
  image?: string | string[];
  response: string[];
  /** null only for unlabeled items exported on request. */
  human_ranking: Ranking | null;
  messages?: PromptMessage[];
  tools?: unknown[];
  margin?: number;
  [metadata: string]: unknown;
}

export function seedLine(item: FullItem, imagePaths: string[]): SeedLine {
  // Key order as in the seed's README: id, query, image, response, human_ranking; then ours.
  const result: SeedLine = {
    id: item.id,
    query: item.query,
    ...(imagePaths.length === 1 ? { image: imagePaths[0] } : imagePaths.length > 1 ? { image: imagePaths } : {}),
    response: item.responses,
    human_ranking: item.ranking,
  };
  const prompt = storedPrompt(item);
  if (prompt !== null) result.messages = prompt;
  const tools = storedTools(item);
  if (tools !== null) result.tools = tools;
  if (item.margin !== null) result.margin = item.margin;
  for (const [key, value] of Object.entries(storedMetadata(item) ?? {})) {
    // A source column named like one of ours would change what the line means: it stays out.
    if (!(SEED_FIELDS as readonly string[]).includes(key) && value !== undefined) result[key] = value;
  }
  return result;
}

/** What a per-judgment seed line adds after `human_ranking` (ExportOptions.judgments 'each'). */
export const JUDGMENT_FIELDS = ['annotator', 'judgment_source', 'guideline_version', 'judged_at', 'decision'] as const;

/** Who judged, how the judgment came in, under which guidelines, when, and the decision when one was recorded. */
export interface JudgmentProvenance {
  annotator: string;
  judgment_source: JudgmentSource;
  guideline_version: number | null;
  /** The judgment's last update, ISO 8601. */
  judged_at: string;
  decision?: string;
}

/**
 * One judgment of an item as a seed line: the item's seed line with `human_ranking` = that
 * judgment's ranking, then its provenance right after it. Source columns named like a
 * provenance field are left out (the caller counts them: `judgmentFieldClashes`).
 */
export function judgmentSeedLine(item: FullItem, imagePaths: string[], judgment: Judgment): SeedLine {
  const base = seedLine({ ...item, ranking: judgment.ranking }, imagePaths);
  const provenance: JudgmentProvenance = {
    annotator: judgment.annotator,
    judgment_source: judgment.source,
    guideline_version: judgment.guidelineVersion,
    judged_at: judgment.updatedAt,
    ...(judgment.decision === null ? {} : { decision: judgment.decision }),
  };
  const line: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(base)) {
    if ((JUDGMENT_FIELDS as readonly string[]).includes(key)) continue;
    line[key] = value;
    if (key === 'human_ranking') Object.assign(line, provenance);
  }
  return line as SeedLine;
}

/** The item's source columns that a per-judgment line has no room for (named like a provenance field). */
export function judgmentFieldClashes(item: FullItem): string[] {
  return Object.keys(storedMetadata(item) ?? {}).filter((key) => (JUDGMENT_FIELDS as readonly string[]).includes(key));
}

export function storedPrompt(item: FullItem): PromptMessage[] | null {
  return item.promptJson === null ? null : (JSON.parse(item.promptJson) as PromptMessage[]);
}

export function storedTools(item: FullItem): unknown[] | null {
  if (item.toolsJson === null) return null;
  const tools = JSON.parse(item.toolsJson) as unknown;
  return Array.isArray(tools) && tools.length > 0 ? tools : null;
}

export function storedMetadata(item: FullItem): Record<string, unknown> | null {
  if (item.metadataJson === null) return null;
  const metadata = JSON.parse(item.metadataJson) as unknown;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return null;
  return Object.keys(metadata).length > 0 ? (metadata as Record<string, unknown>) : null;
}

/** One preference of a ranking: response `chosen` is better than response `rejected`. */
export interface OrderedPair {
  chosen: number;
  rejected: number;
  /** The item id when the ranking gives one pair (so a pair file round-trips), else `<id>#<i>-<j>`. */
  id: string;
}

export interface PairExpansion {
  pairs: OrderedPair[];
  /** Tied pairs (i < j, equal ranks): no pair format can say "equally good". */
  ties: number;
}

/** Expands a ranking into every ordered pair (i better than j when rank_i < rank_j), in (i, j) order. */
export function orderedPairs(item: FullItem): PairExpansion {
  const ranking = item.ranking;
  if (ranking === null) return { pairs: [], ties: 0 };
  const found: [number, number][] = [];
  let ties = 0;
  for (let i = 0; i < ranking.length; i++) {
    for (let j = 0; j < ranking.length; j++) {
      const ri = ranking[i] as number;
      const rj = ranking[j] as number;
      if (ri < rj) found.push([i, j]);
      else if (ri === rj && i < j) ties += 1;
    }
  }
  found.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return {
    pairs: found.map(([i, j]) => ({ chosen: i, rejected: j, id: found.length === 1 ? item.id : `${item.id}#${i}-${j}` })),
    ties,
  };
}

/** One line of TRL's conversational preference format (seed 003), plus `id` and `images`. */
export interface TrlLine {
  id: string;
  chosen: PromptMessage[];
  rejected: PromptMessage[];
  images?: string[];
  /**
   * Tool definitions as JSON text: TRL's RewardTrainer parses it for the chat template, and
   * `datasets` would otherwise merge every row's tool schemas into one struct.
   */
  tools?: string;
  /** TRL's RewardTrainer subtracts it inside the pairwise loss. */
  margin?: number;
}

export interface TrlPairs {
  lines: TrlLine[];
  ties: number;
}

/**
 * The item's pairs as TRL lines. Ties have no TRL spelling, so they are counted and left out.
 * A single pair keeps the item's id (so a TRL file round-trips unchanged); several get `<id>#<i>-<j>`.
 */
export function trlLines(item: FullItem, imagePaths: string[]): TrlPairs {
  const { pairs, ties } = orderedPairs(item);
  const prompt = promptMessages(item, imagePaths.length);
  const tools = storedTools(item);
  const lines = pairs.map((pair): TrlLine => {
    const line: TrlLine = {
      id: pair.id,
      chosen: [...prompt, { role: 'assistant', content: item.responses[pair.chosen] ?? '' }],
      rejected: [...prompt, { role: 'assistant', content: item.responses[pair.rejected] ?? '' }],
    };
    if (imagePaths.length > 0) line.images = imagePaths;
    if (tools !== null) line.tools = JSON.stringify(tools);
    if (item.margin !== null) line.margin = item.margin;
    return line;
  });
  return { lines, ties };
}

/** The stored conversation when there is one; otherwise one user turn: image parts, then the query. */
export function promptMessages(item: FullItem, imageCount: number): PromptMessage[] {
  const stored = storedPrompt(item);
  if (stored !== null) return stored;
  if (imageCount === 0) return [{ role: 'user', content: item.query }];
  const parts: PromptContentPart[] = [
    ...Array.from({ length: imageCount }, (): PromptContentPart => ({ type: 'image' })),
    { type: 'text', text: item.query },
  ];
  return [{ role: 'user', content: parts }];
}
