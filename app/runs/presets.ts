/** The training presets shipped in resources/presets/ (one JSON file per preset). */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../errors';
import { REPO_ROOT } from '../environment/python-interpreter';
import type { TrainingPreset } from './types';

export const PRESETS_DIR = path.join(REPO_ROOT, 'resources', 'presets');

export function readPresets(dir: string = PRESETS_DIR): TrainingPreset[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.json')).sort();
  } catch {
    return [];
  }
  // `order` in the file puts the first-use preset first; the file name breaks ties.
  return files
    .map((file) => parsePreset(path.join(dir, file)))
    .sort((a, b) => a.order - b.order || a.preset.id.localeCompare(b.preset.id))
    .map((entry) => entry.preset);
}

function parsePreset(file: string): { preset: TrainingPreset; order: number } {
  let raw: Partial<TrainingPreset> & { order?: number };
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<TrainingPreset> & { order?: number };
  } catch (error) {
    throw new StudioError('bad_file', `preset ${file} is not valid JSON: ${(error as Error).message}`, 'Fix or remove the file.');
  }
  const id = path.basename(file, '.json');
  if (typeof raw.label !== 'string' || typeof raw.config !== 'object' || raw.config === null) {
    throw new StudioError('bad_file', `preset ${file} needs a "label" and a "config" object`, 'Fix or remove the file.');
  }
  return {
    preset: { id, label: raw.label, description: raw.description ?? '', hardware: raw.hardware ?? '', config: raw.config },
    order: typeof raw.order === 'number' ? raw.order : 100,
  };
}
