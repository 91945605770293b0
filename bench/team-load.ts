/**
 * An annotation team under load: N annotator sessions judging concurrently against one real
 * `reward-studio serve` process for a fixed time, each over its own WebSocket signed in with its
 * own invite link, doing what the Annotate view does — ask its queue (`items.list`, which hands
 * items out), read an item, save a judgment with an action id. Every 10th save is sent twice with
 * the same action id, as a tab does after losing an acknowledgement. Afterwards project.sqlite is
 * counted: every acknowledged judgment must be there once, under the session's member, and no
 * item may have more than `overlap` votes or one person twice.
 *
 *   npm run bench:team -- [--sessions 20] [--seconds 60] [--items 20000] [--overlap 2] [--think-ms 0] [--labeled]
 *
 * `--think-ms 0` (the default) is the stress case: every session saves as fast as the server
 * answers, so latency is mostly queueing behind the other 19; `--think-ms 1000` is closer to
 * people (a judgment a second each). `--labeled`: every item comes with one imported judgment,
 * which counts as a vote (overlap 2 then asks one more person per item).
 *
 * Reported: saves per second, save latency p50/p95/p99/max (ms, from send to the answer), items
 * handed out, and the integrity counts. tests/team/team-load.test.ts runs it briefly in CI.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { ContractClient } from '../tests/fixtures/contract-client';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const CLI = path.join(REPO_ROOT, 'bin', 'reward-studio.mjs');

export interface TeamLoadOptions {
  sessions: number;
  seconds: number;
  items: number;
  overlap: number;
  /** Milliseconds each session waits before each save, as a person reading the item (0: as fast as it can). */
  thinkMs?: number;
  /** Items arrive with one imported judgment each (a labelled dataset getting a second opinion). */
  labeled?: boolean;
}

export interface TeamLoadResult {
  sessions: number;
  seconds: number;
  saves: number;
  savesPerSecond: number;
  replays: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** Judgments acknowledged to the sessions that are missing from project.sqlite (must be 0). */
  lost: number;
  /** Rows in project.sqlite beyond the acknowledged judgments (must be 0). */
  extra: number;
  /** Items with more than `overlap` votes, or the same person twice (must be 0). */
  overfilled: number;
  /** Judgments recorded under another name than the session's member (must be 0). */
  misattributed: number;
  judgmentsInDb: number;
  itemsComplete: number;
  errors: string[];
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function runCli(home: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, REWARD_STUDIO_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`reward-studio ${args[0]} failed (${code}):\n${output}`))));
  });
}

/** Starts `serve` on a free port with a known owner token; resolves with its origin and a stop function. */
function startServe(home: string, project: string, token: string): Promise<{ origin: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--project', project, '--port', '0', '--no-open', '--token', token], {
    env: { ...process.env, REWARD_STUDIO_HOME: home, BROWSER: 'none' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving at (http:\/\/[^/\s]+)\//.exec(output);
      if (match?.[1]) {
        const stop = () => new Promise<void>((done) => {
          child.once('exit', () => done());
          child.kill('SIGTERM');
        });
        resolve({ origin: match[1], stop });
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) before printing its URL:\n${output}`)));
  });
}

interface Acknowledged {
  member: string;
  itemId: string;
}

/**
 * One annotator for `until`: queue → item → save, every 10th save sent twice with its action id.
 * It sends another name than its member's (`typed-…`): the server must record the member anyway.
 */
async function annotate(session: ContractClient, member: string, until: number, thinkMs: number, latencies: number[], acknowledged: Acknowledged[], errors: string[]): Promise<number> {
  const sentName = `typed-${member}`;
  let replays = 0;
  let counter = 0;
  while (Date.now() < until) {
    const page = await session.call<{ items: { id: string }[] }>('items.list', { order: 'queue', judged: 'not-by-me', annotator: member, limit: 10 });
    if (page.items.length === 0) return replays;
    for (const summary of page.items) {
      if (Date.now() >= until) return replays;
      const item = await session.call<{ id: string; responses: string[] }>('items.get', { id: summary.id, annotator: sentName });
      if (thinkMs > 0) await new Promise((resolve) => setTimeout(resolve, thinkMs));
      counter += 1;
      const actionId = `${member}-${counter}-${item.id}`.replace(/[^A-Za-z0-9_-]/g, '_');
      const input = { itemId: item.id, annotator: sentName, ranking: item.responses.map((_, i) => i), timeMs: 1500, actionId };
      const started = performance.now();
      const envelope = await session.invoke('judgments.save', input);
      latencies.push(performance.now() - started);
      if (!envelope.ok) {
        errors.push(`${member} ${item.id}: ${envelope.error.message}`);
        continue;
      }
      acknowledged.push({ member, itemId: item.id });
      if (counter % 10 === 0) {
        // The tab lost the answer and sends the same action again: it must not count twice.
        const replay = await session.invoke('judgments.save', input);
        if (!replay.ok) errors.push(`replay ${member} ${item.id}: ${replay.error.message}`);
        replays += 1;
      }
    }
  }
  return replays;
}

/**
 * The team's judgments (source 'ui') against what was acknowledged, and every vote (imported ones
 * too) against the overlap.
 */
function countDatabase(project: string, acknowledged: readonly Acknowledged[], overlap: number): Pick<TeamLoadResult, 'lost' | 'extra' | 'overfilled' | 'misattributed' | 'judgmentsInDb' | 'itemsComplete'> {
  const db = new Database(path.join(project, 'project.sqlite'), { readonly: true });
  const votes = db
    .prepare(
      `SELECT i.id AS itemId, a.name AS member, j.source AS source FROM judgments j JOIN items i ON i.rowid = j.item_rowid
       JOIN annotators a ON a.id = j.annotator_id WHERE j.source <> 'adjudication'`,
    )
    .all() as (Acknowledged & { source: string })[];
  db.close();
  const rows = votes.filter((row) => row.source === 'ui');
  const stored = new Set(rows.map((row) => `${row.member}\u0000${row.itemId}`));
  const acked = new Set(acknowledged.map((row) => `${row.member}\u0000${row.itemId}`));
  const byItem = new Map<string, string[]>();
  for (const row of votes) byItem.set(row.itemId, [...(byItem.get(row.itemId) ?? []), row.member]);
  let overfilled = 0;
  let complete = 0;
  for (const people of byItem.values()) {
    if (people.length > overlap || new Set(people).size !== people.length) overfilled += 1;
    if (people.length === overlap) complete += 1;
  }
  return {
    lost: [...acked].filter((key) => !stored.has(key)).length,
    extra: rows.length - [...stored].filter((key) => acked.has(key)).length,
    overfilled,
    misattributed: rows.filter((row) => !row.member.startsWith('load-')).length,
    judgmentsInDb: rows.length,
    itemsComplete: complete,
  };
}

export async function runTeamLoad(options: TeamLoadOptions): Promise<TeamLoadResult> {
  const root = mkdtempSync(path.join(tmpdir(), 'rs-team-load-'));
  const home = path.join(root, 'home');
  const project = path.join(root, 'project');
  const data = path.join(root, 'items.jsonl');
  try {
    const lines = Array.from({ length: options.items }, (_, i) =>
      JSON.stringify({
        id: `load-${i}`,
        query: `Which answer describes picture ${i} better?`,
        response: [`A red square, number ${i}.`, `A blue circle, number ${i}.`],
        ...(options.labeled ? { human_ranking: [0, 1] } : {}),
      }),
    );
    writeFileSync(data, `${lines.join('\n')}\n`);
    await runCli(home, ['new', project, '--name', 'Team load']);
    await runCli(home, ['import', data, '--project', project, '--split', 'train']);
    const token = `bench-owner-token-${'x'.repeat(24)}`;
    const serve = await startServe(home, project, token);
    try {
      const owner = await ContractClient.open(serve.origin, token);
      await owner.call('team.setPlan', { overlap: options.overlap, split: null, leaseMinutes: 30, batch: 5, goldRate: 0 });
      await owner.call('team.setGuidelines', { markdown: '# Load test\nPick the first answer.' });
      const members: { name: string; secret: string }[] = [];
      for (let i = 0; i < options.sessions; i += 1) {
        const invite = await owner.call<{ member: { name: string }; secret: string }>('team.invite', { name: `load-${String(i).padStart(2, '0')}`, role: 'annotator' });
        members.push({ name: invite.member.name, secret: invite.secret });
      }
      const sessions = await Promise.all(members.map((member) => ContractClient.open(serve.origin, member.secret)));
      const latencies: number[] = [];
      const acknowledged: Acknowledged[] = [];
      const errors: string[] = [];
      const started = Date.now();
      const until = started + options.seconds * 1000;
      const replays = await Promise.all(
        sessions.map((session, index) =>
          annotate(session, (members[index] as { name: string }).name, until, options.thinkMs ?? 0, latencies, acknowledged, errors).catch((error: unknown) => {
            errors.push(String(error));
            return 0;
          }),
        ),
      );
      const seconds = (Date.now() - started) / 1000;
      for (const session of [...sessions, owner]) session.close();
      await serve.stop();
      const counts = countDatabase(project, acknowledged, options.overlap);
      latencies.sort((a, b) => a - b);
      return {
        sessions: options.sessions,
        seconds,
        saves: acknowledged.length,
        savesPerSecond: acknowledged.length / seconds,
        replays: replays.reduce((a, b) => a + b, 0),
        latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: latencies.at(-1) ?? Number.NaN },
        ...counts,
        errors,
      };
    } catch (error) {
      await serve.stop();
      throw error;
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { sessions: { type: 'string' }, seconds: { type: 'string' }, items: { type: 'string' }, overlap: { type: 'string' }, 'think-ms': { type: 'string' }, labeled: { type: 'boolean' } },
  });
  const options: TeamLoadOptions = {
    sessions: Number(values.sessions ?? 20),
    seconds: Number(values.seconds ?? 60),
    items: Number(values.items ?? 20000),
    overlap: Number(values.overlap ?? 2),
    thinkMs: Number(values['think-ms'] ?? 0),
    labeled: values.labeled === true,
  };
  console.log(`Team load: ${options.sessions} annotator sessions for ${options.seconds} s against one serve (${options.items} items, overlap ${options.overlap}, think ${options.thinkMs} ms)…`);
  const result = await runTeamLoad(options);
  const { errors, ...figures } = result;
  console.log(JSON.stringify(figures, null, 2));
  if (errors.length > 0) console.log(`${errors.length} errors, first: ${errors.slice(0, 3).join(' | ')}`);
  const broken = result.lost + result.extra + result.overfilled + result.misattributed;
  console.log(broken === 0 ? 'Integrity: every acknowledged judgment stored once, under its member; no item over its overlap.' : `INTEGRITY FAILED: ${broken} problems.`);
  process.exitCode = broken === 0 && errors.length === 0 ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
