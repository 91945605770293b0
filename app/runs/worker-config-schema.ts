/**
 * The worker's options as `python -m reward_studio describe-config` prints them — the single
 * source of truth for the Train form and for validating a config before a run directory is made.
 * Cached per interpreter: it costs a Python start (~1 s) and changes only when the worker does.
 */
import { StudioError } from '../errors';
import type { TrainConfigField } from './types';
import { runCommand, stderrTail } from '../environment/python-command';
import { WORKERS_DIR } from '../environment/python-interpreter';

const cache = new Map<string, Promise<TrainConfigField[]>>();

export function describeConfig(python: string): Promise<TrainConfigField[]> {
  let pending = cache.get(python);
  if (!pending) {
    pending = loadSchema(python);
    cache.set(python, pending);
    // A failure (no venv yet) must not stick: the next call after setup tries again.
    pending.catch(() => cache.delete(python));
  }
  return pending;
}

async function loadSchema(python: string): Promise<TrainConfigField[]> {
  const result = await runCommand(python, ['-m', 'reward_studio', 'describe-config'], { timeoutMs: 60_000, cwd: WORKERS_DIR });
  if (result.spawnError || result.code !== 0) {
    const why = result.spawnError ? `${result.spawnError.code ?? result.spawnError.message}` : result.timedOut ? 'timed out' : stderrTail(result);
    throw new StudioError(
      'not_found',
      `could not read the worker's options with ${python} (${why})`,
      'Set up the training environment (Environment → Set up training environment, or npm run setup:worker), or choose another Python in settings.',
    );
  }
  const parsed = JSON.parse(result.stdout) as { version?: number; fields?: TrainConfigField[] };
  if (!Array.isArray(parsed.fields)) {
    throw new StudioError('internal', `describe-config printed no field list (${python})`, 'The worker package and the studio do not match; run npm run setup:worker again.');
  }
  return parsed.fields;
}

/** A (partial) form completed with the worker's defaults: what the worker would run with. */
export function withDefaults(fields: readonly TrainConfigField[], values: Record<string, unknown>): Record<string, unknown> {
  return { ...Object.fromEntries(fields.map((field) => [field.name, field.default])), ...values };
}

/** Fields the studio fills in itself: the snapshot paths and the run name. */
export const STUDIO_OWNED_FIELDS = new Set(['train_data_path', 'val_data_path', 'experiment_name', 'output_dir']);

export interface ValidatedConfig {
  /** Every field with its value (defaults filled in), secrets left out: what goes into config.json. */
  config: Record<string, unknown>;
  /** Secret fields given (e.g. wandb_api_key): passed to the worker through its environment only. */
  secrets: Record<string, string>;
}

/**
 * Checks every key and value of a form against the worker's fields and reports all problems at
 * once (a form with three mistakes should not take three round trips).
 */
export function validateConfig(fields: TrainConfigField[], values: Record<string, unknown>): ValidatedConfig {
  const byName = new Map(fields.map((field) => [field.name, field]));
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  for (const field of fields) if (!field.secret) config[field.name] = field.default;
  for (const [key, value] of Object.entries(values)) {
    const field = byName.get(key);
    if (!field) {
      problems.push(`unknown option "${key}"`);
      continue;
    }
    if (value === undefined) continue;
    const problem = valueProblem(field, value);
    if (problem) {
      problems.push(`${key}: ${problem}`);
      continue;
    }
    if (field.secret) {
      if (typeof value === 'string' && value !== '') secrets[key] = value;
    } else {
      config[key] = value;
    }
  }
  problems.push(...dependencyProblems(fields, config));
  if (problems.length > 0) {
    throw new StudioError(
      'invalid_input',
      `the training options have ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.join('; ')}`,
      'Fix the highlighted options; every option, its type and its range are listed by `python -m reward_studio describe-config`.',
    );
  }
  return { config, secrets };
}

/** Booleans switched on without the option they need (describe-config's `requires`). */
export function dependencyProblems(fields: readonly TrainConfigField[], config: Readonly<Record<string, unknown>>): string[] {
  return fields
    .filter((field) => field.requires && config[field.name] === true && config[field.requires] !== true)
    .map((field) => `${field.name} needs ${field.requires}: turn ${field.requires} on too`);
}

function valueProblem(field: TrainConfigField, value: unknown): string | null {
  const nullable = field.type.endsWith('?');
  const base = nullable ? field.type.slice(0, -1) : field.type;
  if (value === null) return nullable ? null : `must be a ${base}, not empty`;
  switch (base) {
    case 'string':
      if (typeof value !== 'string') return `must be text, got ${describe(value)}`;
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return `must be true or false, got ${describe(value)}`;
      break;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return `must be a whole number, got ${describe(value)}`;
      break;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a number, got ${describe(value)}`;
      break;
    default:
      // A type this studio does not know yet (a newer worker): let the worker judge it.
      return null;
  }
  if (field.choices && !field.choices.includes(value as string | number)) return `must be one of ${field.choices.join(', ')}, got ${describe(value)}`;
  if (typeof value === 'number') {
    if (field.min !== undefined && value < field.min) return `must be at least ${field.min}, got ${value}`;
    if (field.max !== undefined && value > field.max) return `must be at most ${field.max}, got ${value}`;
    // describe-config has no ranges for counts: negative counts and sizes are never meaningful.
    if (field.min === undefined && base === 'integer' && value < 0) return `must not be negative, got ${value}`;
  }
  return null;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `"${value.slice(0, 40)}"` : JSON.stringify(value) ?? String(value);
}
