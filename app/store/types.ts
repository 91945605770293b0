/**
 * Domain types the store hands out. They cross the contract boundary as command results, so
 * they are plain JSON: no Dates, no Maps, no class instances.
 */

export type Split = 'train' | 'val' | 'test';
export const SPLITS: readonly Split[] = ['train', 'val', 'test'];

export interface SplitRatios {
  train: number;
  val: number;
  test: number;
}

export type JudgmentSource = 'import' | 'ui' | 'adjudication';

/** `ranking[i]` is the rank of response i: 0 = best, equal numbers = a tie. */
export type Ranking = number[];

/**
 * The most responses one item may have: what Annotate can show and rank (letters A…BL, a rank
 * typed per response) and what `judgments.save` accepts. Imports refuse larger rows one by one
 * (FORMATS.md, "Limits"): a row of 120k ranked responses once aborted a whole import.
 */
export const MAX_RESPONSES_PER_ITEM = 64;

export type ItemStatus = 'labeled' | 'unlabeled';

export interface ProjectSummary {
  dir: string;
  name: string;
  createdAt: string;
  itemCount: number;
  labeledCount: number;
  bySplit: Record<Split, { items: number; labeled: number }>;
  byAnnotator: { name: string; judged: number }[];
  splitRatios: SplitRatios;
  splitSeed: string;
  /** Bytes of all images in media/. */
  mediaBytes: number;
  imageCount: number;
}

export interface ImageRef {
  sha256: string;
  /** Relative to the project folder, forward slashes (e.g. `media/ab/ab12….png`). */
  relPath: string;
  width: number;
  height: number;
  format: string;
}

export interface ItemSummary {
  id: string;
  query: string;
  responseCount: number;
  split: Split;
  status: ItemStatus;
  /** Names of annotators with a judgment on this item. */
  annotators: string[];
  /** Project-relative path of the first image's 256px WebP thumbnail, or null for text-only items. */
  thumb: string | null;
  image: { relPath: string; width: number; height: number } | null;
  imageCount: number;
  flagged: boolean;
}

/** How `judged` filters are seen: relative to `ItemFilter.annotator` ("me"). */
export type JudgedFilter = 'any' | 'by-me' | 'not-by-me' | 'by-others' | 'conflicting';

/** The filters shared by the queue, the dataset table and bulk actions (see item-filters.ts). */
export interface ItemFilter {
  split?: Split;
  status?: 'all' | ItemStatus;
  /** Case-insensitive substring of the query or any response. */
  search?: string;
  /** Exact id ("jump to item"). */
  id?: string;
  /** "Me" for `judged` and for the queue order. */
  annotator?: string;
  judged?: JudgedFilter;
  /** The item-level flag (items.setFlag), not a judgment's own flag. */
  flagged?: boolean;
}

export interface ListItemsQuery extends ItemFilter {
  offset?: number;
  limit?: number;
  /**
   * 'id': import order. 'queue': unjudged first, then judged only by others, then the rest.
   * 'uncertain': items scored by `evaluationId` (default: the latest, see evaluation/uncertain-order.ts)
   * by the gap between their two highest scores, smallest first; then the rest in queue order.
   */
  order?: 'id' | 'queue' | 'uncertain';
  evaluationId?: number;
}

export interface ItemList {
  total: number;
  items: ItemSummary[];
}

export interface Judgment {
  id: number;
  annotator: string;
  ranking: Ranking;
  decision: string | null;
  strength: string | null;
  timeMs: number | null;
  shownOrder: number[] | null;
  note: string | null;
  flagged: boolean;
  source: JudgmentSource;
  createdAt: string;
  updatedAt: string;
  /** The team guidelines version the judgment was made under (app/team); null outside a team. */
  guidelineVersion: number | null;
}

/**
 * One message of an item's conversation, in the studio's canonical shape (TRL's, with image
 * parts where the images stand). Roles: `system`, `user`, `assistant`, `tool_call` (an
 * assistant's call of a tool; content is the call as JSON text) and `tool` (the tool's result).
 * Readers map every format's role names onto these (app/dataset/conversation.ts).
 */
export interface PromptMessage {
  role: string;
  content: string | PromptContentPart[];
}
export type PromptContentPart = { type: 'image' } | { type: 'text'; text: string };

export interface ItemDetail {
  id: string;
  query: string;
  /** The full prompt conversation when the item came from one richer than "one user turn". */
  prompt: PromptMessage[] | null;
  /** Tool definitions the conversation may call (LLaMA-Factory / ms-swift `tools`), or null. */
  tools: unknown[] | null;
  /** Columns of the source row that no reader consumed, kept for export; null when none. */
  metadata: Record<string, unknown> | null;
  /** Per-pair margin from the source (OpenRLHF, TRL), used by the margin loss; null when none. */
  margin: number | null;
  split: Split;
  responses: string[];
  images: ImageRef[];
  judgments: Judgment[];
  /** What export uses: the adjudicated judgment if any, else the most recently updated one. */
  resolvedRanking: Ranking | null;
  resolvedFrom: { annotator: string; source: JudgmentSource; judgmentId: number } | null;
  flagged: boolean;
  note: string | null;
  sourceFile: string | null;
  createdAt: string;
  /**
   * The order to show the responses in (indices into `responses`), shuffled per item and per
   * annotator (app/annotation/display-order.ts); null when the item was read without an annotator.
   */
  shownOrder: number[] | null;
}

export interface SaveJudgmentInput {
  itemId: string;
  annotator: string;
  ranking: Ranking;
  decision?: string | null;
  strength?: string | null;
  timeMs?: number | null;
  shownOrder?: number[] | null;
  note?: string | null;
  flagged?: boolean;
  source?: JudgmentSource;
  guidelineVersion?: number | null;
}

export interface JudgmentHistoryEntry {
  id: number;
  judgmentId: number;
  itemId: string | null;
  annotator: string;
  action: 'create' | 'update' | 'delete';
  before: Judgment | null;
  after: Judgment | null;
  at: string;
  /** The history entry (an undo's own audit row) that took this change back; null while it stands. */
  undoneBy: number | null;
  /** For an undo's audit row: the entry it took back; null for ordinary changes. */
  undoOf: number | null;
}

export interface RecentProject {
  dir: string;
  name: string;
  openedAt: string;
}

/** Per-person settings, kept in the settings folder (app/store/user-settings.ts), not in a project. */
export interface StudioSettings {
  /** The name judgments are recorded under; null until the person sets it (asked on first use). */
  annotator: string | null;
  /** The Python interpreter for training; absent or null = the repository's `.venv`. */
  pythonPath?: string | null;
}
