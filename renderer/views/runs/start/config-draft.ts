/**
 * The Train form's state and its checks, kept pure so they are unit-tested. Each worker option
 * (runs.configSchema, i.e. describe-config) is held as what the person typed — text for numbers,
 * so "1e-" on its way to "1e-5" is not rejected mid-keystroke — and parsed on every change.
 * The checks mirror the run manager's (types, choices, min/max, no negative counts) so mistakes
 * show beside the field instead of coming back from runs.start.
 */
import type { TrainConfigField } from '../../../client/contract-types';

export type DraftValue = string | boolean;
export type ConfigDraft = Readonly<Record<string, DraftValue>>;
export type BaseType = 'string' | 'number' | 'integer' | 'boolean' | 'other';

/** Set by the studio, never by the form (the run manager owns them). */
export const STUDIO_OWNED_FIELDS: ReadonlySet<string> = new Set(['train_data_path', 'val_data_path', 'experiment_name', 'output_dir']);
/** Rendered by the model picker rather than as a plain text field. */
export const MODEL_FIELD = 'base_model_name';
/** Presets name the studio's tiny model with this instead of a path. */
export const TINY_MODEL_TOKEN = '@tiny';

export function fieldType(field: TrainConfigField): { base: BaseType; nullable: boolean } {
  const nullable = field.type.endsWith('?');
  const raw = nullable ? field.type.slice(0, -1) : field.type;
  const base: BaseType = raw === 'string' || raw === 'number' || raw === 'integer' || raw === 'boolean' ? raw : 'other';
  return { base, nullable };
}

export function toDraftValue(field: TrainConfigField, value: unknown): DraftValue {
  if (fieldType(field).base === 'boolean') return value === true;
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : String(value);
}

/** Defaults, with `overrides` (a preset's config) on top; unknown keys are ignored. */
export function draftFrom(fields: readonly TrainConfigField[], overrides: Readonly<Record<string, unknown>> = {}): Record<string, DraftValue> {
  const draft: Record<string, DraftValue> = {};
  for (const field of fields) {
    const value = Object.hasOwn(overrides, field.name) ? overrides[field.name] : field.default;
    draft[field.name] = toDraftValue(field, value);
  }
  return draft;
}

export type ParsedValue = string | number | boolean | null;
export type ParseResult = { ok: true; value: ParsedValue } | { ok: false; error: string };

export function parseField(field: TrainConfigField, draftValue: DraftValue | undefined): ParseResult {
  const { base, nullable } = fieldType(field);
  if (base === 'boolean') return { ok: true, value: draftValue === true };
  const text = typeof draftValue === 'string' ? draftValue.trim() : '';
  if (base === 'string' || base === 'other') {
    if (text === '' && nullable) return { ok: true, value: null };
    if (field.choices && !field.choices.map(String).includes(text)) return { ok: false, error: `Choose one of ${field.choices.join(', ')}.` };
    return { ok: true, value: typeof draftValue === 'string' ? draftValue : '' };
  }
  if (text === '') return nullable ? { ok: true, value: null } : { ok: false, error: 'Required: enter a number.' };
  const value = Number(text);
  if (!Number.isFinite(value)) return { ok: false, error: `"${text}" is not a number.` };
  if (base === 'integer' && !Number.isInteger(value)) return { ok: false, error: 'Enter a whole number.' };
  if (field.choices && !field.choices.map(Number).includes(value)) return { ok: false, error: `Choose one of ${field.choices.join(', ')}.` };
  if (field.min !== undefined && value < field.min) return { ok: false, error: `At least ${field.min}.` };
  if (field.max !== undefined && value > field.max) return { ok: false, error: `At most ${field.max}.` };
  // describe-config gives no ranges for counts and sizes; negative ones are never meaningful.
  if (field.min === undefined && base === 'integer' && value < 0) return { ok: false, error: 'Must not be negative.' };
  return { ok: true, value };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
  return (a ?? null) === (b ?? null) || (a === '' && b === null) || (a === null && b === '');
}

export function isChangedFromDefault(field: TrainConfigField, draftValue: DraftValue | undefined): boolean {
  const parsed = parseField(field, draftValue);
  // Half-typed input counts as changed: the marker shows it is not the default.
  if (!parsed.ok) return true;
  return !sameValue(parsed.value, field.default);
}

export interface DraftCheck {
  /** What runs.start and runs.estimate receive: options that differ from the worker's defaults. */
  config: Record<string, unknown>;
  errors: Record<string, string>;
  changedCount: number;
}

/** Validates every editable field; `modelPath` is the picker's value (required). */
export function checkDraft(fields: readonly TrainConfigField[], draft: ConfigDraft, modelPath: string): DraftCheck {
  const config: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  let changedCount = 0;
  for (const field of fields) {
    if (STUDIO_OWNED_FIELDS.has(field.name)) continue;
    if (field.name === MODEL_FIELD) {
      if (modelPath.trim() === '') errors[field.name] = 'Choose a base model folder (or the tiny demo model).';
      else config[field.name] = modelPath.trim();
      continue;
    }
    const parsed = parseField(field, draft[field.name]);
    if (!parsed.ok) {
      errors[field.name] = parsed.error;
      continue;
    }
    if (sameValue(parsed.value, field.default)) continue;
    // An empty secret means "none", not "set it to empty".
    if (field.secret && (parsed.value === '' || parsed.value === null)) continue;
    config[field.name] = parsed.value;
    changedCount += 1;
  }
  for (const field of fields) {
    const needed = field.requires;
    if (needed && config[field.name] === true && !(config[needed] ?? defaultOf(fields, needed))) {
      errors[field.name] = `Needs ${needed}: turn it on too (quantised weights train through LoRA adapters).`;
    }
  }
  return { config, errors, changedCount };
}

function defaultOf(fields: readonly TrainConfigField[], name: string): unknown {
  return fields.find((field) => field.name === name)?.default;
}

/** Fields by their `group`, in the order describe-config lists them. */
export function groupFields(fields: readonly TrainConfigField[]): { group: string; fields: TrainConfigField[] }[] {
  const groups: { group: string; fields: TrainConfigField[] }[] = [];
  for (const field of fields) {
    let entry = groups.find((candidate) => candidate.group === field.group);
    if (!entry) {
      entry = { group: field.group, fields: [] };
      groups.push(entry);
    }
    entry.fields.push(field);
  }
  return groups;
}

/** `<preset>-<YYYYmmdd-HHMM>`: valid for runs.start's name rule (letters, digits, . _ -). */
export function defaultRunName(presetId: string | null, at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}`;
  const base = (presetId ?? 'run').replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'run';
  return `${base.slice(0, 60)}-${stamp}`;
}

export function runNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'Give the run a name.';
  if (trimmed.length > 80) return 'At most 80 characters.';
  if (!/^[\w.-]+$/.test(trimmed)) return 'Use letters, digits, dots, dashes and underscores.';
  return null;
}
