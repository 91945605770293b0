import { parseArgs, type ParseArgsConfig } from 'node:util';
import { StudioError } from '../errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with errors a person can act on ("unknown option --x; see reward-studio CMD --help"). */
export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StudioError('invalid_input', `${command}: ${reason}`, `Run "reward-studio ${command} --help" for the options.`);
  }
}

export function intOption(command: string, name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) {
    throw new StudioError('invalid_input', `${command}: --${name} must be a whole number, got "${value}".`);
  }
  return parsed;
}

export function numberOption(command: string, name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) {
    throw new StudioError('invalid_input', `${command}: --${name} must be a number, got "${value}".`);
  }
  return parsed;
}
