/**
 * `serve` keeps its access token per project across launches (issue #13: a restart used to
 * change it, so an open tab could never reconnect), rotates it with --new-token, takes one with
 * --token and refuses weak ones. The module on its own, then the real command, launched three times.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseServeToken, MIN_TOKEN_LENGTH } from '../../app/cli/serve-token';
import { ProjectStore } from '../../app/store/project-store';
import { serveTokensFile } from '../../app/store/serve-tokens';

const root = path.resolve(__dirname, '../..');
const bin = path.join(root, 'bin/reward-studio.mjs');
const savedHome = process.env.REWARD_STUDIO_HOME;
let tmp: string;

beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'rs-serve-token-'));
  process.env.REWARD_STUDIO_HOME = path.join(tmp, 'home');
});

afterEach(() => {
  if (savedHome === undefined) delete process.env.REWARD_STUDIO_HOME;
  else process.env.REWARD_STUDIO_HOME = savedHome;
});

describe('choosing the serve token', () => {
  it('keeps one token per project across launches, readable by the owner only', () => {
    const first = chooseServeToken('/data/a', {});
    expect(first.source).toBe('new');
    expect(first.token.length).toBeGreaterThanOrEqual(MIN_TOKEN_LENGTH);
    expect(chooseServeToken('/data/a', {})).toEqual({ token: first.token, source: 'kept' });
    expect(chooseServeToken('/data/b', {}).token).not.toBe(first.token);
    expect(statSync(serveTokensFile()).mode & 0o777).toBe(0o600);
  });

  it('rotates with --new-token, and keeps the new one', () => {
    const old = chooseServeToken('/data/a', {}).token;
    const rotated = chooseServeToken('/data/a', { rotate: true });
    expect(rotated.source).toBe('new');
    expect(rotated.token).not.toBe(old);
    expect(chooseServeToken('/data/a', {}).token).toBe(rotated.token);
  });

  it('takes a token given with --token and keeps it; refuses short, odd or contradictory ones', () => {
    const given = 'a-chosen_token-0123456789abcdef';
    expect(chooseServeToken('/data/a', { given })).toEqual({ token: given, source: 'given' });
    expect(chooseServeToken('/data/a', {}).token).toBe(given);
    expect(() => chooseServeToken('/data/a', { given: 'short' })).toThrow(/at least 24/);
    expect(() => chooseServeToken('/data/a', { given: 'has spaces and is long enough for it' })).toThrow(/letters, digits/);
    expect(() => chooseServeToken('/data/a', { given, rotate: true })).toThrow(/contradict/);
    // A refused token leaves the kept one alone.
    expect(chooseServeToken('/data/a', {}).token).toBe(given);
  });
});

/** Starts `serve`, waits for its URL, stops it; returns the token in the printed URL. */
async function launchToken(project: string, ...flags: string[]): Promise<string> {
  const env = { ...process.env, REWARD_STUDIO_HOME: path.join(tmp, 'home') };
  const child = spawn(process.execPath, [bin, 'serve', '--project', project, '--port', '0', ...flags], { env, cwd: tmp });
  try {
    return await new Promise<string>((resolve, reject) => {
      let output = '';
      const collect = (chunk: Buffer): void => {
        output += chunk.toString();
        const match = /serving at http:\/\/127\.0\.0\.1:\d+\/\?token=([\w-]+)/.exec(output);
        if (match) resolve(match[1] as string);
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
    });
  } finally {
    child.kill('SIGTERM');
  }
}

describe('reward-studio serve', () => {
  it('prints the same token after a restart, a new one with --new-token, the given one with --token', async () => {
    const project = path.join(tmp, 'project');
    ProjectStore.create(project, { name: 'Token' }).close();
    const first = await launchToken(project);
    expect(await launchToken(project)).toBe(first);
    const rotated = await launchToken(project, '--new-token');
    expect(rotated).not.toBe(first);
    expect(await launchToken(project)).toBe(rotated);
    expect(await launchToken(project, '--token', '0123456789abcdef0123456789abcdef')).toBe('0123456789abcdef0123456789abcdef');
  }, 60_000);

  it('refuses a short --token with a message saying what to do, and documents the flags', () => {
    const env = { ...process.env, REWARD_STUDIO_HOME: path.join(tmp, 'home') };
    const refused = spawnSync(process.execPath, [bin, 'serve', '--project', path.join(tmp, 'p2'), '--port', '0', '--token', 'abc'], { encoding: 'utf8', env, cwd: tmp, timeout: 60_000 });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('at least 24');
    expect(refused.stderr).toContain('openssl rand');
    const help = spawnSync(process.execPath, [bin, 'serve', '--help'], { encoding: 'utf8', env, cwd: tmp });
    expect(help.stdout).toContain('--new-token');
    expect(help.stdout).toContain('--token TOKEN');
  }, 60_000);
});
