/**
 * What an export format module is: how one item becomes the rows of its file. The loop, the
 * images, the temporary file and the report live once in export-dataset.ts; a new format is one
 * module here, one entry in index.ts and an example row in FORMATS.md.
 */
import type { FullItem } from '../../store/item-pages';
import type { PromptContentPart } from '../../store/types';
import { storedMetadata } from '../export-rows';

/** A field the format could not carry for one item, and why (the report counts them). */
export interface DroppedField {
  what: string;
  reason: string;
}

export type ItemRows =
  | { rows: Record<string, unknown>[]; ties: number; dropped: DroppedField[] }
  /** The whole item is left out: the reason says what the format cannot hold. */
  | { unsupported: string };

export interface FormatWriter {
  /** How the rows are held: JSON Lines, one JSON array, or Parquet. */
  container(out: string): 'jsonl' | 'json' | 'parquet';
  /** Whether unlabeled items may be written (seed only, on request). */
  writesUnlabeled: boolean;
  /** The rows of one labeled (or, for seed, possibly unlabeled) item; images as the paths the file will hold. */
  rows(item: FullItem, imagePaths: string[]): ItemRows;
}

export const IMAGE_TAG = '<image>';

/** Content as one string with `<image>` where each image part stands (LLaMA-Factory, ms-swift, LLaVA). */
export function taggedText(content: string | PromptContentPart[]): string {
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'image' ? IMAGE_TAG : part.text)).join('');
}

/** The metadata field dropped by formats with no place for the source's extra columns. */
export function droppedMetadata(item: FullItem, format: string): DroppedField[] {
  return storedMetadata(item) === null
    ? []
    : [{ what: 'metadata', reason: `${format} rows have no place for the source's extra columns (seed export keeps them)` }];
}
