import { StudioError } from '../errors';
import { newAccessToken } from '../server/access-token';
import { readServeToken, saveServeToken } from '../store/serve-tokens';

/**
 * Which token `serve` uses: the one kept for this project (so open tabs reconnect after a
 * restart), a new one with --new-token, or the one given with --token. Chosen tokens are saved,
 * so the next plain launch keeps them.
 */
export interface ServeTokenOptions {
  /** --token TOKEN */
  given?: string;
  /** --new-token */
  rotate?: boolean;
}

export type ServeTokenSource = 'kept' | 'new' | 'given';

export interface ServeToken {
  token: string;
  source: ServeTokenSource;
}

/** A generated token is 32 characters (24 random bytes); a chosen one must not be much weaker. */
export const MIN_TOKEN_LENGTH = 24;
/** It travels in a URL and a cookie unescaped: the same alphabet as generated tokens (base64url). */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]+$/;

/** Refuses tokens a person could guess or that would break the printed URL. */
export function checkGivenToken(token: string): string {
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new StudioError(
      'invalid_input',
      `serve: --token is ${token.length} characters long; it must be at least ${MIN_TOKEN_LENGTH}`,
      'Anyone who guesses it can read and change the project. Use e.g. `openssl rand -hex 16`, or leave --token out to keep the saved one.',
    );
  }
  if (!TOKEN_PATTERN.test(token)) {
    throw new StudioError(
      'invalid_input',
      'serve: --token may hold only letters, digits, "-" and "_"',
      'Other characters would be mangled in the URL; use e.g. `openssl rand -hex 16`.',
    );
  }
  return token;
}

/** Checks the flags before anything is opened, so a mistake costs no project load. */
export function checkServeTokenOptions(options: ServeTokenOptions): ServeTokenOptions {
  if (options.given !== undefined && options.rotate) {
    throw new StudioError('invalid_input', 'serve: --token and --new-token contradict each other', 'Pass one of them: --token sets a token, --new-token makes a random one.');
  }
  if (options.given !== undefined) checkGivenToken(options.given);
  return options;
}

/** Without a project folder (nothing to key on) every launch gets a fresh token. */
export function chooseServeToken(projectDir: string | null, options: ServeTokenOptions): ServeToken {
  checkServeTokenOptions(options);
  const chosen: ServeToken | null =
    options.given !== undefined ? { token: checkGivenToken(options.given), source: 'given' } : options.rotate ? { token: newAccessToken(), source: 'new' } : null;
  if (projectDir === null) return chosen ?? { token: newAccessToken(), source: 'new' };
  if (chosen) {
    saveServeToken(projectDir, chosen.token);
    return chosen;
  }
  const kept = readServeToken(projectDir);
  if (kept !== null) return { token: kept, source: 'kept' };
  const fresh: ServeToken = { token: newAccessToken(), source: 'new' };
  saveServeToken(projectDir, fresh.token);
  return fresh;
}
