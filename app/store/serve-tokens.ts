import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StudioError } from '../errors';
import { settingsDir } from './recent-projects';

/**
 * The access token `reward-studio serve` uses for each project, kept in the person's settings
 * folder (never in the project: a project folder is zipped and shared, a token must not travel
 * with it). Keeping it across launches is what lets an open tab reconnect after `serve`
 * restarted instead of being refused with a token that no longer exists.
 */
export const SERVE_TOKENS_FILE = 'serve-tokens.json';

export function serveTokensFile(): string {
  return join(settingsDir(), SERVE_TOKENS_FILE);
}

type TokenTable = Record<string, string>;

/** The saved token for a project folder, or null (none saved, or an unreadable file). */
export function readServeToken(projectDir: string): string | null {
  const token = readTable()[resolve(projectDir)];
  return typeof token === 'string' && token !== '' ? token : null;
}

/** Saves the token for a project folder, replacing any earlier one. */
export function saveServeToken(projectDir: string, token: string): void {
  const table = { ...readTable(), [resolve(projectDir)]: token };
  writePrivately(serveTokensFile(), `${JSON.stringify({ tokens: table }, null, 2)}\n`);
}

function readTable(): TokenTable {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(serveTokensFile(), 'utf8'));
  } catch {
    return {};
  }
  const tokens = (parsed as { tokens?: unknown } | null)?.tokens;
  if (typeof tokens !== 'object' || tokens === null) return {};
  return Object.fromEntries(Object.entries(tokens).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** Write-then-rename, readable by the owner only: the tokens open the projects to anyone holding them. */
function writePrivately(file: string, text: string): void {
  mkdirSync(settingsDir(), { recursive: true });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(temp, text, { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new StudioError(
      'internal',
      `could not save the serve token to ${file}: ${(error as Error).message}`,
      'Check that the settings folder is writable (REWARD_STUDIO_HOME), or pass --token each time.',
    );
  }
}
