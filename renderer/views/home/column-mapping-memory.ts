/**
 * Column mappings remembered per file name (basename), so a person who imports `export-v3.jsonl`
 * every week maps its columns once. Kept in this browser profile's localStorage, like the chart
 * options: a mapping describes files on this person's disk, not a studio-wide setting (the
 * studio's settings file holds only who is annotating).
 */
import type { ColumnMapping } from '../../client/contract-types';

const STORAGE_KEY = 'reward-studio:import-mappings';
/** Oldest names are forgotten past this many: the list must not grow forever. */
const MAX_REMEMBERED = 50;

interface Remembered {
  mapping: ColumnMapping;
  savedAt: number;
}

/** The file name of a path typed on any machine (the server may be Windows, the browser not). */
export function fileBaseName(path: string): string {
  const parts = path.trim().split(/[\\/]/);
  return parts[parts.length - 1] ?? '';
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

function loadAll(): Record<string, Remembered> {
  try {
    const parsed = JSON.parse(storage()?.getItem(STORAGE_KEY) ?? 'null') as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, Remembered>) : {};
  } catch {
    return {};
  }
}

function saveAll(all: Record<string, Remembered>): void {
  try {
    storage()?.setItem(STORAGE_KEY, JSON.stringify(all));
  } catch {
    // Storage full or blocked: the mapping still applies to this import.
  }
}

const isColumn = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** The remembered mapping for this file name, checked field by field (storage is not trusted). */
export function recallMapping(name: string): ColumnMapping | null {
  const entry = name === '' ? undefined : loadAll()[name];
  if (entry === undefined || typeof entry !== 'object' || entry === null || typeof entry.mapping !== 'object' || entry.mapping === null) return null;
  const stored = entry.mapping as Record<string, unknown>;
  const mapping: ColumnMapping = {};
  for (const key of ['prompt', 'conversation', 'system', 'responseList', 'preference', 'images', 'id'] as const) {
    if (isColumn(stored[key])) mapping[key] = stored[key];
  }
  if (Array.isArray(stored.responses) && stored.responses.every(isColumn)) mapping.responses = stored.responses;
  return Object.keys(mapping).length === 0 ? null : mapping;
}

export function rememberMapping(name: string, mapping: ColumnMapping): void {
  if (name === '') return;
  const all = loadAll();
  all[name] = { mapping, savedAt: Date.now() };
  const names = Object.keys(all).sort((a, b) => (all[b]?.savedAt ?? 0) - (all[a]?.savedAt ?? 0));
  for (const old of names.slice(MAX_REMEMBERED)) delete all[old];
  saveAll(all);
}

export function forgetMapping(name: string): void {
  const all = loadAll();
  if (!(name in all)) return;
  delete all[name];
  saveAll(all);
}
