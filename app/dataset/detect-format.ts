/**
 * Detection is a ranked guess, not a fallback: every reader says how well the first rows fit
 * it, the best fit wins, and when nothing fits the person is told once which keys the file has
 * and which formats came closest, instead of one error per row.
 */
import { StudioError } from '../errors';
import type { FormatReader } from './formats/format-reader';
import { FORMAT_READERS } from './formats';
import { isRecord } from './parsed-row';

/** Below this mean fit a file is "not recognised" rather than read with a poor guess. */
export const MIN_CONFIDENCE = 0.5;
/** Rows looked at to decide. */
export const SAMPLE_ROWS = 50;

export interface FormatCandidate {
  name: string;
  label: string;
  /** Mean fit over the sampled rows, 0..1. */
  confidence: number;
}

export interface FormatGuess {
  reader: FormatReader;
  confidence: number;
  /** Every reader with a non-zero fit, best first. */
  candidates: FormatCandidate[];
}

/** Ranks the readers on sample rows; throws a `bad_file` "format not recognised" error when none fits well enough. */
export function detectReader(file: string, rows: unknown[], readers: readonly FormatReader[] = FORMAT_READERS): FormatGuess {
  const objects = rows.filter(isRecord);
  const ranked = rankReaders(objects, readers);
  const best = ranked[0];
  if (best === undefined || best.confidence < MIN_CONFIDENCE) throw notRecognised(file, objects, ranked);
  return {
    reader: readers.find((reader) => reader.name === best.name) as FormatReader,
    confidence: best.confidence,
    candidates: ranked,
  };
}

export function rankReaders(rows: Record<string, unknown>[], readers: readonly FormatReader[] = FORMAT_READERS): FormatCandidate[] {
  if (rows.length === 0) return [];
  const scored = readers.map((reader, order) => {
    const total = rows.reduce((sum, row) => sum + safeFit(reader, row), 0);
    return { name: reader.name, label: reader.label, confidence: Math.round((total / rows.length) * 1000) / 1000, order };
  });
  return scored
    .filter((candidate) => candidate.confidence > 0)
    .sort((a, b) => b.confidence - a.confidence || a.order - b.order)
    .map(({ name, label, confidence }) => ({ name, label, confidence }));
}

function safeFit(reader: FormatReader, row: Record<string, unknown>): number {
  try {
    return Math.max(0, Math.min(1, reader.fit(row)));
  } catch {
    return 0;
  }
}

/** The keys of the sampled rows, most common first. */
export function sampleKeys(rows: Record<string, unknown>[]): string[] {
  const counts = new Map<string, number>();
  for (const row of rows) for (const key of Object.keys(row)) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([key]) => key);
}

function notRecognised(file: string, rows: Record<string, unknown>[], ranked: FormatCandidate[]): StudioError {
  const keys = sampleKeys(rows);
  const found = rows.length === 0 ? 'no JSON objects in the first rows' : `found keys ${keys.slice(0, 12).join(', ')}${keys.length > 12 ? ', …' : ''}`;
  const closest = ranked.slice(0, 3).map((candidate) => `${candidate.name} (${Math.round(candidate.confidence * 100)}% fit)`);
  return new StudioError(
    'bad_file',
    `${file}: format not recognised: ${found}; closest formats: ${closest.length > 0 ? closest.join(', ') : 'none'}`,
    'Map the columns in the import panel (or with --map-prompt, --map-responses, --map-preference, --map-images), or force a format with --format NAME (see FORMATS.md).',
  );
}
