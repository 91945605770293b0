import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { StudioError } from '../errors';
import { settingsDir } from './recent-projects';
import type { StudioSettings } from './types';

/**
 * The person's settings (who they annotate as), one JSON file in the settings folder — not in a
 * project, because the same person annotates many projects and a project is shared between people.
 */
export const SETTINGS_FILE = 'settings.json';
export const MAX_ANNOTATOR_NAME = 100;

const DEFAULTS: StudioSettings = { annotator: null };

export function settingsFile(): string {
  return join(settingsDir(), SETTINGS_FILE);
}

/** The saved settings; a missing or damaged file gives the defaults (the person is asked again). */
export function readUserSettings(): StudioSettings {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(settingsFile(), 'utf8'));
  } catch {
    return { ...DEFAULTS };
  }
  if (typeof parsed !== 'object' || parsed === null) return { ...DEFAULTS };
  const { annotator, pythonPath } = parsed as { annotator?: unknown; pythonPath?: unknown };
  const settings: StudioSettings = {
    annotator: typeof annotator === 'string' && annotator.trim() !== '' ? annotator.trim().slice(0, MAX_ANNOTATOR_NAME) : null,
  };
  // Written only when chosen, so settings files (and answers) without one stay as they were.
  if (typeof pythonPath === 'string' && pythonPath.trim() !== '') settings.pythonPath = pythonPath.trim();
  return settings;
}

/** Applies the given fields (others keep their values) and saves atomically; returns the new settings. */
export function updateUserSettings(patch: Partial<StudioSettings>): StudioSettings {
  const next: StudioSettings = { ...readUserSettings() };
  if (patch.annotator !== undefined) {
    const name = patch.annotator === null ? null : patch.annotator.trim();
    if (name === '') throw new StudioError('invalid_input', 'the annotator name is empty', 'Type the name your judgments should be recorded under.');
    if (name !== null && name.length > MAX_ANNOTATOR_NAME) {
      throw new StudioError('invalid_input', `the annotator name is ${name.length} characters long`, `Use at most ${MAX_ANNOTATOR_NAME} characters.`);
    }
    next.annotator = name;
  }
  if (patch.pythonPath !== undefined) {
    const python = patch.pythonPath === null ? '' : patch.pythonPath.trim();
    if (python !== '' && (!isAbsolute(python) || !existsSync(python))) {
      throw new StudioError(
        'invalid_input',
        `no Python interpreter at "${python}"`,
        'Give the absolute path of a python executable (e.g. /opt/envs/train/bin/python), or clear the field to use the studio\'s .venv.',
      );
    }
    if (python === '') delete next.pythonPath;
    else next.pythonPath = python;
  }
  writeAtomically(settingsFile(), `${JSON.stringify(next, null, 2)}\n`);
  return next;
}

/** Write-then-rename: a crash mid-write leaves the old file, never half a file. */
function writeAtomically(file: string, text: string): void {
  mkdirSync(settingsDir(), { recursive: true });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new StudioError('internal', `could not save settings to ${file}: ${(error as Error).message}`, 'Check that the settings folder is writable (REWARD_STUDIO_HOME).');
  }
}
