/**
 * Nothing a web page or a hostile client sends can stop `reward-studio serve` (issue #13). The
 * real CLI runs as a child process, so a crash shows as a dead port, not as a caught test error:
 * request paths `new URL` cannot parse, a cookie `decodeURIComponent` cannot decode (any page on
 * 127.0.0.1 can plant one), WebSocket protocol violations sent as raw frames over node:net, a
 * symlink in media/ pointing at project.sqlite or outside the project, uploaded HTML/SVG (served
 * as a download, never rendered same-origin), and Host headers of a DNS-rebinding page.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importDataset } from '../../app/dataset/import-dataset';
import { generateSampleData } from '../../app/sample/generate-sample-data';
import { Studio } from '../../app/studio/studio';
import { startServe, type RunningStudio } from '../e2e/harness/studio-process';

let tmp: string;
let projectDir: string;
let serve: RunningStudio;
let port: number;
let token: string;

interface RawReply {
  status: number;
  head: string;
  body: Buffer;
}

/** Sends `text` as is over TCP and reads until the server closes (every request says Connection: close). */
function rawRequest(text: string | Buffer, timeoutMs = 10_000): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no reply within ${timeoutMs} ms to ${JSON.stringify(String(text).slice(0, 80))}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      const head = (split >= 0 ? all.subarray(0, split) : all).toString('latin1');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body: split >= 0 ? all.subarray(split + 4) : Buffer.alloc(0) });
    });
    socket.write(text);
  });
}

function get(target: string, headers: Record<string, string> = {}): Promise<RawReply> {
  const lines = Object.entries({ Host: `127.0.0.1:${port}`, Connection: 'close', ...headers }).map(([name, value]) => `${name}: ${value}`);
  return rawRequest(`GET ${target} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
}

function header(reply: RawReply, name: string): string | undefined {
  const match = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(reply.head);
  return match?.[1]?.trim();
}

/** The server process is alive and still serves the page with the token. */
async function expectStillServing(): Promise<void> {
  const reply = await get(`/?token=${token}`).catch((error: Error) => {
    throw new Error(`reward-studio serve stopped answering (${error.message}). Its output:\n${serve.output()}`);
  });
  // 503 when the renderer is not built (these tests do not build it): the server answered.
  expect([200, 503], serve.output()).toContain(reply.status);
}

async function launch(): Promise<void> {
  serve = await startServe({ home: path.join(tmp, 'home'), project: projectDir });
  const url = new URL(serve.url);
  port = Number(url.port);
  token = url.searchParams.get('token') as string;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'rs-hostile-'));
  process.env.REWARD_STUDIO_HOME = path.join(tmp, 'home');
  projectDir = path.join(tmp, 'project');
  const data = await generateSampleData(path.join(tmp, 'data'), { items: 2, seed: 5 });
  const studio = new Studio({ kind: 'browser' });
  studio.createProject(projectDir, 'Hostile requests');
  await importDataset(studio.project(), data.allFile);
  studio.close();
  await launch();
}, 120_000);

// Each finding on its own: a test that killed the server does not fail the ones after it.
beforeEach(async () => {
  const alive = await get('/').then(() => true, () => false);
  if (alive) return;
  await serve.stop();
  await launch();
}, 120_000);

afterAll(async () => {
  await serve?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('request paths, headers and cookies', () => {
  it('answers `GET //` (what <img src="http://127.0.0.1:PORT//"> sends) and keeps serving', async () => {
    for (const target of ['//', `//?token=${token}`, '///', '//evil.example/', `//evil.example/?token=${token}`]) {
      const reply = await get(target);
      expect(reply.status, `GET ${target}\n${serve.output()}`).toBeGreaterThanOrEqual(400);
      expect(reply.status, `GET ${target}`).toBeLessThan(500);
    }
    await expectStillServing();
  });

  it('answers a request target that is no URL path with 400 saying what to send', async () => {
    for (const target of ['http://[bad', '*', 'http://127.0.0.1:1/x']) {
      const reply = await get(target);
      expect(reply.status, `GET ${target}\n${serve.output()}`).toBe(400);
      expect(reply.body.toString(), target).toMatch(/path/i);
    }
    await expectStillServing();
  });

  it('answers the WebSocket upgrade on `//` and on a foreign Origin with a refusal, not a crash', async () => {
    const upgrade = (target: string, extra = ''): string =>
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n${extra}\r\n`;
    for (const request of [upgrade('//'), upgrade(`//?token=${token}`), upgrade('http://[bad'), upgrade(`/ws?token=${token}`, 'Origin: http://[bad\r\n')]) {
      const reply = await rawRequest(request);
      expect(reply.status, `${request.split('\r\n')[0]}\n${serve.output()}`).toBeGreaterThanOrEqual(400);
    }
    await expectStillServing();
  });

  it('treats a cookie it cannot decode as absent (any page on 127.0.0.1 can set one)', async () => {
    const bad = `rs_token_${port}=%E0%A4%A`;
    expect((await get('/', { Cookie: bad })).status).toBe(403);
    expect((await get('/assets/x.js', { Cookie: `${bad}; other=%` })).status).toBe(403);
    // The page opened with the token still loads (and re-sets the good cookie) with the bad one present.
    const page = await get(`/?token=${token}`, { Cookie: bad });
    expect([200, 503]).toContain(page.status);
    // A bad cookie planted with a longer Path comes first; the good one behind it still counts.
    const withGood = await get('/', { Cookie: `${bad}; rs_token_${port}=${token}` });
    expect([200, 503], serve.output()).toContain(withGood.status);
    await expectStillServing();
  });
});

/** A raw WebSocket client: the handshake over node:net, then whatever bytes a test writes. */
async function openRawSocket(): Promise<{ socket: Socket; closed: Promise<Buffer> }> {
  const socket = connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  const closed = new Promise<Buffer>((resolve) => {
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('error', () => undefined); // a reset is also a close here
  });
  const opened = new Promise<void>((resolve, reject) => {
    void closed.then(() => reject(new Error(`the server hung up before the upgrade. Its output:\n${serve.output()}`)));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const text = Buffer.concat(chunks).toString('latin1');
      if (text.includes('\r\n\r\n')) {
        if (text.startsWith('HTTP/1.1 101')) resolve();
        else reject(new Error(`upgrade refused: ${text.split('\r\n')[0]}`));
      }
    });
  });
  socket.write(
    `GET /ws?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n\r\n`,
  );
  await opened;
  chunks.length = 0;
  return { socket, closed };
}

/** One client frame: FIN set, `opcode`, masked `payload`; `declaredLength` lies about the size when given. */
function frame(opcode: number, payload: Buffer, declaredLength = payload.length): Buffer {
  const mask = randomBytes(4);
  let lengthBytes: Buffer;
  if (declaredLength < 126) lengthBytes = Buffer.from([0x80 | declaredLength]);
  else if (declaredLength < 65536) lengthBytes = Buffer.from([0x80 | 126, declaredLength >> 8, declaredLength & 0xff]);
  else {
    lengthBytes = Buffer.alloc(9);
    lengthBytes[0] = 0x80 | 127;
    lengthBytes.writeBigUInt64BE(BigInt(declaredLength), 1);
  }
  const masked = Buffer.from(payload.map((byte, index) => byte ^ (mask[index % 4] as number)));
  return Buffer.concat([Buffer.from([0x80 | opcode]), lengthBytes, mask, masked]);
}

describe('WebSocket protocol errors close that socket only', () => {
  const cases: [string, () => Buffer][] = [
    ['a frame larger than the 16 MiB limit', () => frame(0x2, Buffer.alloc(8), 17 * 1024 * 1024)],
    ['a text frame that is not UTF-8', () => frame(0x1, Buffer.from([0xc3, 0x28, 0xff, 0xfe]))],
    ['a reserved opcode', () => frame(0x3, Buffer.from('x'))],
    ['an unmasked client frame', () => Buffer.from([0x81, 0x01, 0x78])],
  ];

  for (const [name, bytes] of cases) {
    it(`${name}: that socket is closed, another tab's socket and HTTP keep working`, async () => {
      const bystander = await openRawSocket();
      const hostile = await openRawSocket();
      hostile.socket.write(bytes());
      const answer = await hostile.closed;
      // The server says why (a close frame, opcode 0x8) before it hangs up, when it can.
      if (answer.length > 0) expect(answer[0] && answer[0] & 0x0f).toBe(0x8);
      // The bystander still gets its answer: one invoke over the same server.
      bystander.socket.write(frame(0x1, Buffer.from(JSON.stringify({ type: 'invoke', id: 1, name: 'no.such.command', input: null }))));
      const reply = await Promise.race([
        new Promise<Buffer>((resolve) => bystander.socket.once('data', resolve)),
        bystander.closed.then(() => Promise.reject(new Error(`the bystander's socket was closed. Server output:\n${serve.output()}`))),
      ]);
      expect(reply.subarray(2).toString(), serve.output()).toContain('"type":"result"');
      bystander.socket.end();
      await expectStillServing();
    });
  }
});

describe('project files', () => {
  it('refuses a symlink in media/ that points at project.sqlite or outside the project', async () => {
    const outside = path.join(tmp, 'secret.txt');
    await writeFile(outside, 'outside the project');
    await symlink(path.join(projectDir, 'project.sqlite'), path.join(projectDir, 'media', 'db-link.png'));
    await symlink(outside, path.join(projectDir, 'media', 'outside-link.png'));
    await symlink(projectDir, path.join(projectDir, 'media', 'project-dir'));
    for (const target of ['/files/media/db-link.png', '/files/media/outside-link.png', '/files/media/project-dir/project.sqlite']) {
      const reply = await get(`${target}?token=${token}`);
      expect([403, 404], target).toContain(reply.status);
      expect(reply.body.toString(), target).not.toMatch(/SQLite format|outside the project/);
    }
    // Real media is still served.
    const media = (await readdir(path.join(projectDir, 'media'), { recursive: true })).find((name) => name.endsWith('.png') && !name.includes('link'));
    expect(media).toBeDefined();
    expect((await get(`/files/media/${media}?token=${token}`)).status).toBe(200);
  });

  it('serves uploaded HTML and SVG as downloads (never rendered same-origin) with nosniff', async () => {
    for (const [name, body] of [
      ['page.html', '<script>fetch("/ws")</script>'],
      ['image.svg', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'],
    ]) {
      // As the UI uploads (fetch sends no Origin from Node, like curl).
      const upload = await fetch(`http://127.0.0.1:${port}/upload?name=${name}`, { method: 'POST', headers: { authorization: `token ${token}` }, body });
      expect(upload.status, await upload.clone().text()).toBe(200);
      const saved = ((await upload.json()) as { path: string }).path;
      const relPath = path.relative(projectDir, saved).split(path.sep).join('/');
      const reply = await get(`/files/${relPath}?token=${token}`);
      expect(reply.status, relPath).toBe(200);
      expect(header(reply, 'Content-Disposition'), relPath).toMatch(/^attachment/);
      expect(header(reply, 'X-Content-Type-Options'), relPath).toBe('nosniff');
      expect(header(reply, 'Content-Security-Policy'), relPath).toMatch(/sandbox/);
    }
  });
});

describe('Host header (DNS rebinding)', () => {
  it('on loopback, refuses a Host that is not a loopback name, whatever the token', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1.evil.example:${port}`]) {
      const reply = await get(`/?token=${token}`, { Host: host });
      expect(reply.status, host).toBe(421);
      expect(reply.body.toString(), host).toMatch(/127\.0\.0\.1/);
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost', `[::1]:${port}`]) {
      expect([200, 503], host).toContain((await get(`/?token=${token}`, { Host: host })).status);
    }
    await expectStillServing();
  });
});
