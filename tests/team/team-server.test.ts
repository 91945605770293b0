/**
 * A team on a real `serve` (in-process server, real sockets, real project.sqlite): members sign in
 * with their own link, roles are enforced on the wire, judgments are recorded under the signed-in
 * person with the guidelines version, the hand-out gives each item `overlap` distinct people and
 * nobody an item twice, holds expire, revoking closes the member's socket at once.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../app/dataset/import-dataset';
import { MEMBER_REVOKED_CLOSE } from '../../app/rpc/wire';
import { ContractClient } from '../fixtures/contract-client';
import { writeSeedFolder } from '../fixtures/seed-files';
import { startStudioServer, type StudioServer } from '../../app/server/studio-server';
import { studioServerWiring } from '../../app/studio/server-wiring';
import { Studio } from '../../app/studio/studio';
import type { TeamInvite } from '../../app/team/types';
import type { ItemList, ItemDetail } from '../../app/store/types';

let tmp: string;
let studio: Studio;
let server: StudioServer;

function openClient(secret: string): Promise<ContractClient> {
  return ContractClient.open(`http://127.0.0.1:${server.port}`, secret);
}

function votesPerItem(): Map<string, string[]> {
  const db = new Database(path.join(studio.projectDir as string, 'project.sqlite'), { readonly: true });
  const rows = db
    .prepare(`SELECT i.id AS item, a.name AS annotator FROM judgments j JOIN items i ON i.rowid = j.item_rowid
              JOIN annotators a ON a.id = j.annotator_id WHERE j.source <> 'adjudication'`)
    .all() as { item: string; annotator: string }[];
  db.close();
  const map = new Map<string, string[]>();
  for (const row of rows) map.set(row.item, [...(map.get(row.item) ?? []), row.annotator]);
  return map;
}

/** Judges the member's queue to the end, the first response best; returns the ids judged. */
async function judgeAll(client: ContractClient, name: string): Promise<string[]> {
  const judged: string[] = [];
  for (;;) {
    const page = await client.call<ItemList>('items.list', { order: 'queue', judged: 'not-by-me', annotator: name, limit: 100 });
    if (page.items.length === 0) return judged;
    for (const summary of page.items) {
      const item = await client.call<ItemDetail>('items.get', { id: summary.id, annotator: name });
      await client.call('judgments.save', { itemId: item.id, annotator: 'someone-else', ranking: item.responses.map((_, i) => i) });
      judged.push(item.id);
    }
  }
}

let owner: ContractClient;
const invites = new Map<string, TeamInvite>();

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'rs-team-'));
  process.env.REWARD_STUDIO_HOME = path.join(tmp, 'home');
  // Twelve unlabeled two-response items: the team's judgments are the only ones.
  const rows = Array.from({ length: 12 }, (_, i) => ({ id: `item-${i}`, query: `Which colour is square ${i}?`, image: 'images/red.png', response: ['Red.', 'Blue.'] }));
  const file = await writeSeedFolder(path.join(tmp, 'data'), rows);
  studio = new Studio({ kind: 'browser' });
  studio.createProject(path.join(tmp, 'project'), 'Team test');
  await importDataset(studio.project(), file);
  const rendererDir = path.join(tmp, 'renderer');
  await mkdir(rendererDir);
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>Reward Studio</title>');
  server = await startStudioServer({ ...studioServerWiring(studio), rendererDir, port: 0 });
  owner = await openClient(server.token);
  for (const [name, role] of [['ann', 'annotator'], ['bea', 'annotator'], ['cy', 'annotator'], ['rev', 'reviewer']] as const) {
    invites.set(name, await owner.call<TeamInvite>('team.invite', { name, role }));
  }
});

afterAll(async () => {
  await server?.close();
  studio?.close();
});

describe('a team on a served project', () => {
  it('keeps only the hash of a link secret', () => {
    const db = new Database(path.join(studio.projectDir as string, 'project.sqlite'), { readonly: true });
    const stored = db.prepare('SELECT secret_sha256 FROM team_members').all() as { secret_sha256: string }[];
    db.close();
    const secrets = [...invites.values()].map((invite) => invite.secret);
    for (const row of stored) {
      expect(row.secret_sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(secrets).not.toContain(row.secret_sha256);
    }
  });

  it('opens the page for a member link, and keeps uploads and downloads to the owner', async () => {
    const secret = (invites.get('bea') as TeamInvite).secret;
    const base = `http://127.0.0.1:${server.port}`;
    const page = await fetch(`${base}/?token=${secret}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('set-cookie')).toContain(encodeURIComponent(secret));
    const download = await fetch(`${base}/download/anything?token=${secret}`);
    expect(download.status).toBe(403);
    const upload = await fetch(`${base}/upload?name=x.jsonl&token=${secret}`, { method: 'POST', body: '{}', headers: { origin: base } });
    expect(upload.status).toBe(403);
    expect((await fetch(`${base}/?token=not-a-member-secret`)).status).toBe(403);
  });

  it('refuses on the wire what a role may not do, before reading the input', async () => {
    const ann = await openClient((invites.get('ann') as TeamInvite).secret);
    for (const name of ['runs.list', 'dataset.export', 'items.delete', 'team.invite', 'judgments.adjudicate', 'judgments.conflicts', 'environment.updateSettings']) {
      const envelope = await ann.invoke(name, {});
      expect(envelope.ok, name).toBe(false);
      if (!envelope.ok) expect(envelope.error.code, name).toBe('forbidden');
    }
    expect(await ann.call('team.me')).toMatchObject({ role: 'annotator', name: 'ann' });
    expect(await ann.call('environment.settings')).toEqual({ annotator: 'ann' });
    ann.close();
  });

  it('hands out each item to `overlap` distinct people, records the signed-in person and the guidelines version', async () => {
    await owner.call('team.setPlan', { overlap: 2, split: null, leaseMinutes: 30, batch: 3, goldRate: 0 });
    const guidelines = await owner.call<{ version: number }>('team.setGuidelines', { markdown: '# Prefer the answer that matches the image' });
    const names = ['ann', 'bea', 'cy'];
    const clients = await Promise.all(names.map((name) => openClient((invites.get(name) as TeamInvite).secret)));
    const judged = await Promise.all(clients.map((client, index) => judgeAll(client, names[index] as string)));
    for (const ids of judged) expect(new Set(ids).size).toBe(ids.length);
    const votes = votesPerItem();
    expect(votes.size).toBe(12);
    for (const [item, people] of votes) {
      expect(people.length, item).toBe(2);
      expect(new Set(people).size, item).toBe(2);
      for (const person of people) expect(names).toContain(person);
    }
    expect(judged.flat().length).toBe(24);
    const item = studio.project().getItem([...votes.keys()][0] as string);
    expect(item.judgments.every((j) => j.guidelineVersion === guidelines.version)).toBe(true);
    // Someone else's item is not theirs to read or judge.
    const notMine = [...votes.entries()].find(([, people]) => !people.includes('ann'))?.[0] as string;
    const ann = clients[0] as ContractClient;
    const refused = await ann.invoke('items.get', { id: notMine });
    expect(refused.ok).toBe(false);
    const refusedSave = await ann.invoke('judgments.save', { itemId: notMine, annotator: 'ann', ranking: [0, 1] });
    expect(refusedSave.ok).toBe(false);
    const progress = await owner.call<{ members: { name: string; judgedTotal: number }[]; project: { itemsComplete: number } }>('team.progress');
    expect(progress.project.itemsComplete).toBe(12);
    expect(progress.members.filter((m) => names.includes(m.name)).reduce((n, m) => n + m.judgedTotal, 0)).toBe(24);
    for (const client of clients) client.close();
  });

  it('closes a revoked member at once and refuses their link afterwards', async () => {
    const invite = invites.get('cy') as TeamInvite;
    const cy = await openClient(invite.secret);
    expect((await cy.invoke('team.me')).ok).toBe(true);
    await owner.call('team.revoke', { memberId: invite.member.id });
    expect(await cy.closed()).toBe(MEMBER_REVOKED_CLOSE);
    await expect(openClient(invite.secret)).rejects.toThrow(/403/);
  });

  it('lets a reviewer adjudicate under their own name, which the export then uses', async () => {
    const rev = await openClient((invites.get('rev') as TeamInvite).secret);
    const itemId = [...votesPerItem().keys()][0] as string;
    const item = await rev.call<ItemDetail>('judgments.adjudicate', { itemId, annotator: 'not-rev', ranking: [1, 0] });
    const adjudication = item.judgments.find((j) => j.source === 'adjudication');
    expect(adjudication?.annotator).toBe('rev');
    rev.close();
  });
});
