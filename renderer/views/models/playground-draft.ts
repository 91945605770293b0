/**
 * The score playground's form as plain data, and everything decided about it without React: which
 * rows exist, whether it can be sent (and if not, what to fix), the exact `scoring.score` input,
 * and which shown scores still belong to what is on screen.
 */
import { MAX_IMAGE_BASE64_CHARS, MAX_RESPONSES, MAX_TEXT_CHARS, type ModelRef, type ScoreInput, type ScoreResult } from '../../client/contract-types';

export interface ResponseRow {
  /** Stable React key: rows are added and removed in the middle. */
  key: number;
  text: string;
}

export interface AttachedImage {
  name: string;
  /** `data:image/...;base64,...`: the preview, and what the desktop app sends. */
  dataUrl: string;
  bytes: number;
  /** The file itself: what a browser uploads to `serve` before scoring (playground-image-upload.ts). */
  file: File;
}

export interface PlaygroundDraft {
  query: string;
  image: AttachedImage | null;
  responses: ResponseRow[];
  nextKey: number;
}

export function emptyDraft(): PlaygroundDraft {
  return { query: '', image: null, responses: [{ key: 1, text: '' }, { key: 2, text: '' }], nextKey: 3 };
}

export function addResponse(draft: PlaygroundDraft): PlaygroundDraft {
  if (draft.responses.length >= MAX_RESPONSES) return draft;
  return { ...draft, responses: [...draft.responses, { key: draft.nextKey, text: '' }], nextKey: draft.nextKey + 1 };
}

/** One row always stays: a playground without a response field has nothing to type into. */
export function removeResponse(draft: PlaygroundDraft, key: number): PlaygroundDraft {
  if (draft.responses.length <= 1) return { ...draft, responses: draft.responses.map((row) => ({ ...row, text: '' })) };
  return { ...draft, responses: draft.responses.filter((row) => row.key !== key) };
}

export function setResponseText(draft: PlaygroundDraft, key: number, text: string): PlaygroundDraft {
  return { ...draft, responses: draft.responses.map((row) => (row.key === key ? { ...row, text } : row)) };
}

export function rowLetter(index: number): string {
  return String.fromCharCode(65 + index);
}

export type DraftCheck = { ok: true; input: ScoreInput } | { ok: false; problem: string };

/** The `scoring.score` input, or the first thing that stops it, said so a person can fix it. */
export function checkDraft(draft: PlaygroundDraft, model: ModelRef | null): DraftCheck {
  if (!model) return { ok: false, problem: 'Choose a model to score with: train a run first, or pick an export.' };
  if (draft.query.length > MAX_TEXT_CHARS) return { ok: false, problem: `The query is ${draft.query.length.toLocaleString()} characters; the limit is ${MAX_TEXT_CHARS.toLocaleString()}.` };
  if (draft.responses.length === 0) return { ok: false, problem: 'Add a response to score.' };
  for (const [index, row] of draft.responses.entries()) {
    if (row.text.trim() === '') return { ok: false, problem: `Response ${rowLetter(index)} is empty: write one or remove the row.` };
    if (row.text.length > MAX_TEXT_CHARS) return { ok: false, problem: `Response ${rowLetter(index)} is longer than ${MAX_TEXT_CHARS.toLocaleString()} characters.` };
  }
  if (draft.image && draft.image.dataUrl.length > MAX_IMAGE_BASE64_CHARS) return { ok: false, problem: `${draft.image.name} is too large to send (16 MiB at most).` };
  return {
    ok: true,
    input: { model, query: draft.query, responses: draft.responses.map((row) => row.text), image: draft.image?.dataUrl ?? null },
  };
}

/** What the scores on screen were computed for; an edit after scoring makes them stale, not wrong-looking-right. */
export function inputFingerprint(input: ScoreInput): string {
  const image = input.image ?? '';
  // The image by length and both ends: hashing 20 MB of base64 on every keystroke would be slow.
  return JSON.stringify([input.model, input.query, input.responses, image.length, image.slice(0, 64), image.slice(-64)]);
}

export interface ShownScores {
  result: ScoreResult;
  /** Row keys in the order the scores were computed for. */
  keys: number[];
  fingerprint: string;
}

/** Score per row key (rows added since have none). */
export function scoreByRow(shown: ShownScores | null): Map<number, number> {
  const map = new Map<number, number>();
  if (!shown) return map;
  shown.keys.forEach((key, index) => {
    const score = shown.result.scores[index];
    if (score !== undefined) map.set(key, score);
  });
  return map;
}

/** Indices of the highest score (every one of them on a tie); none for fewer than two responses. */
export function bestIndices(scores: readonly number[]): Set<number> {
  const best = new Set<number>();
  if (scores.length < 2) return best;
  const top = Math.max(...scores);
  scores.forEach((score, index) => {
    if (score === top) best.add(index);
  });
  return best.size === scores.length ? new Set() : best;
}

/** Scores read at a glance: four significant decimals, a real minus sign. */
export function formatScore(score: number): string {
  if (!Number.isFinite(score)) return String(score);
  return score.toFixed(4).replace('-', '−');
}
