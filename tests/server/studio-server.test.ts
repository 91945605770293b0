/**
 * `reward-studio serve` over real sockets: the token rule on every request, the confinement of
 * /files/ to the open project's media, and the contract over a WebSocket (results and events).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { importDataset } from '../../app/dataset/import-dataset';
import { createRouter } from '../../app/rpc/router';
import type { Envelope, ServerMessage } from '../../app/rpc/wire';
import { generateSampleData } from '../../app/sample/generate-sample-data';
import { startStudioServer, type StudioServer } from '../../app/server/studio-server';
import { createHandlers } from '../../app/studio/create-handlers';
import { Studio } from '../../app/studio/studio';

let tmp: string;
let studio: Studio;
let server: StudioServer;
let base: string;

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw GET that keeps the path exactly as written (fetch would normalise away `..`). */
function get(rawPath: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path: rawPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function withToken(p: string): string {
  return `${p}${p.includes('?') ? '&' : '?'}token=${server.token}`;
}

class ContractSocket {
  private nextId = 1;
  private readonly pending = new Map<number, (envelope: Envelope) => void>();
  readonly events: { name: string; payload: unknown }[] = [];

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (message.type === 'result') this.pending.get(message.id)?.(message.envelope);
      else this.events.push({ name: message.name, payload: message.payload });
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<ContractSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      socket.once('open', () => resolve(new ContractSocket(socket)));
      socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }

  invoke(name: string, input: unknown): Promise<Envelope> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.socket.send(JSON.stringify({ type: 'invoke', id, name, input }));
    });
  }

  close(): void {
    this.socket.close();
  }
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'rs-server-'));
  process.env.REWARD_STUDIO_HOME = path.join(tmp, 'home');
  const data = await generateSampleData(path.join(tmp, 'data'), { items: 6, seed: 3 });
  studio = new Studio({ kind: 'browser' });
  studio.createProject(path.join(tmp, 'project'), 'Server test');
  await importDataset(studio.project(), data.allFile);
  const rendererDir = path.join(tmp, 'renderer');
  await mkdir(rendererDir);
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>Reward Studio</title>');
  server = await startStudioServer({
    router: createRouter(createHandlers(studio)),
    events: studio.events,
    projectFile: (relPath) => studio.projectFile(relPath),
    download: (id) => studio.downloads.content(id),
    rendererDir,
    port: 0,
  });
  base = `127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  studio?.close();
});

describe('HTTP', () => {
  it('refuses every request without the token', async () => {
    expect((await get('/')).status).toBe(403);
    expect((await get('/index.html?token=wrong')).status).toBe(403);
  });

  it('serves the page with the token, sets the cookie, and then accepts the cookie alone', async () => {
    const first = await get(withToken('/'));
    expect(first.status).toBe(200);
    expect(String(first.headers['content-security-policy'])).toContain("default-src 'self'");
    const cookie = String(first.headers['set-cookie']).split(';')[0] as string;
    expect(cookie).toMatch(new RegExp(`^rs_token_${server.port}=`));
    expect((await get('/', { cookie })).status).toBe(200);
    expect((await get('/', { authorization: `token ${server.token}` })).status).toBe(200);
  });

  it('serves the open project media, and nothing else of the project', async () => {
    const item = studio.project().getItem('shape-00001');
    const image = item.images[0];
    expect(image).toBeDefined();
    const ok = await get(withToken(`/files/${image?.relPath}`));
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('image/png');
    expect(ok.body.subarray(1, 4).toString()).toBe('PNG');

    for (const escape of ['/files/project.sqlite', '/files/media/../project.sqlite', '/files/media/%2e%2e/project.sqlite', '/files/media/..%2fproject.sqlite', '/files/cache/../../etc/passwd']) {
      const response = await get(withToken(escape));
      expect([403, 404], escape).toContain(response.status);
      expect(response.body.toString()).not.toContain('SQLite format');
    }
  });

  it('makes a thumbnail again when the cache lost it', async () => {
    const thumb = studio.project().listItems({ limit: 1 }).items[0]?.thumb as string;
    await rm(path.join(studio.projectDir as string, thumb));
    const response = await get(withToken(`/files/${thumb}`));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('image/webp');
    expect(response.body.subarray(8, 12).toString()).toBe('WEBP');
  });
});

/** What Python's zipfile (an independent reader) finds in a zip: names, CRC check, the bytes of each entry. */
function readZipWithPython(zip: Buffer): { bad: string | null; files: Record<string, string> } {
  const script = `import base64, io, json, sys, zipfile
z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))
print(json.dumps({"bad": z.testzip(), "files": {n: base64.b64encode(z.read(n)).decode() for n in z.namelist()}}))`;
  return JSON.parse(execFileSync('python3', ['-c', script], { input: zip }).toString()) as { bad: string | null; files: Record<string, string> };
}

describe('downloads of exports', () => {
  it('sends an export with its images as a zip a standard reader opens, a plain file as it is, behind the token', async () => {
    const socket = await ContractSocket.open(`ws://${base}/ws?token=${server.token}`);
    try {
      const copied = await socket.invoke('dataset.export', { out: 'downloads/with-images.jsonl', format: 'seed', images: 'copy' });
      expect(copied.ok).toBe(true);
      const report = (copied as { ok: true; result: { out: string; download: string } }).result;
      expect(report.download).toMatch(/^[\w-]{20,}$/);
      expect((await get(`/download/${report.download}`)).status).toBe(403);

      const zip = await get(withToken(`/download/${report.download}`));
      expect(zip.status).toBe(200);
      expect(zip.headers['content-type']).toBe('application/zip');
      expect(zip.headers['content-disposition']).toContain('filename="with-images.zip"');
      const { bad, files } = readZipWithPython(zip.body);
      expect(bad).toBeNull();
      const names = Object.keys(files);
      expect(names[0]).toBe('with-images.jsonl');
      expect(Buffer.from(files['with-images.jsonl'] as string, 'base64').equals(await readFile(report.out))).toBe(true);
      // Every image a row points to travels with it, byte for byte.
      const lines = (await readFile(report.out, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { image?: string });
      const referenced = lines.flatMap((line) => (line.image ? [line.image] : []));
      expect(referenced.length).toBeGreaterThan(0);
      for (const image of referenced) {
        expect(names).toContain(image);
        expect(Buffer.from(files[image] as string, 'base64').equals(await readFile(path.join(path.dirname(report.out), image)))).toBe(true);
      }

      const plain = await socket.invoke('dataset.export', { out: 'downloads/pairs.jsonl', format: 'trl', images: 'absolute' });
      const plainReport = (plain as { ok: true; result: { out: string; download: string } }).result;
      const file = await get(withToken(`/download/${plainReport.download}`));
      expect(file.status).toBe(200);
      expect(file.headers['content-disposition']).toContain('filename="pairs.jsonl"');
      expect(file.body.equals(await readFile(plainReport.out))).toBe(true);

      expect((await get(withToken('/download/not-an-export'))).status).toBe(404);
    } finally {
      socket.close();
    }
  });
});

describe('WebSocket contract', () => {
  it('refuses a socket without the token or from a foreign origin', async () => {
    await expect(ContractSocket.open(`ws://${base}/ws`)).rejects.toThrow('HTTP 403');
    await expect(ContractSocket.open(`ws://${base}/ws?token=${server.token}`, { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
  });

  it('answers commands, validates inputs and reports unknown commands', async () => {
    const client = await ContractSocket.open(`ws://${base}/ws?token=${server.token}`, { origin: `http://${base}` });
    try {
      const current = await client.invoke('projects.current', {});
      expect(current.ok && (current.result as { itemCount: number }).itemCount).toBe(6);

      const page = await client.invoke('items.list', { limit: 2 });
      expect(page.ok && (page.result as { items: unknown[] }).items).toHaveLength(2);

      const invalid = await client.invoke('items.list', { limit: -1 });
      expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(!invalid.ok && invalid.error.message).toContain('limit');

      const missing = await client.invoke('items.get', { id: 'no-such-item' });
      expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });

      const unknown = await client.invoke('projects.format', {});
      expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });
    } finally {
      client.close();
    }
  });

  it('pushes events to every connected tab', async () => {
    const a = await ContractSocket.open(`ws://${base}/ws?token=${server.token}`);
    const b = await ContractSocket.open(`ws://${base}/ws?token=${server.token}`);
    try {
      const created = await a.invoke('projects.create', { dir: path.join(tmp, 'second'), name: 'Second' });
      expect(created.ok).toBe(true);
      await expect.poll(() => b.events.map((e) => e.name)).toContain('projects.onChanged');
      const changed = b.events.find((e) => e.name === 'projects.onChanged')?.payload as { name: string };
      expect(changed.name).toBe('Second');
    } finally {
      a.close();
      b.close();
    }
  });
});
