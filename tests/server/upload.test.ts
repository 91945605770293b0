/**
 * POST /upload over a real socket: the token and origin rules, the size cap, the file landing in
 * the project's cache/uploads under a safe name, and the uploaded file importing.
 */
import { readdir, readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UPLOAD_PATH } from '../../app/rpc/wire';
import type { StudioServer } from '../../app/server/studio-server';
import { sanitizeUploadName } from '../../app/server/upload';
import { removeUploadTestFolder, startUploadTestServer, uploadTestFolder, type UploadTestServer } from './upload-test-server';

const CAP = 64 * 1024;
let tmp: string;
let server: StudioServer;
let emptyServer: StudioServer;
let withProject: UploadTestServer | undefined;
let withoutProject: UploadTestServer | undefined;

interface Reply {
  status: number;
  json: Record<string, unknown>;
}

/** POSTs `chunks` (chunked transfer when `length` is false) and parses the JSON reply. */
function post(
  target: StudioServer,
  rawPath: string,
  chunks: Buffer[],
  options: { headers?: Record<string, string>; length?: boolean; method?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.length !== false) headers['content-length'] = String(chunks.reduce((n, c) => n + c.length, 0));
    const req = httpRequest({ host: '127.0.0.1', port: target.port, path: rawPath, method: options.method ?? 'POST', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => parts.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          json = { text };
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const auth = (s: StudioServer): Record<string, string> => ({ authorization: `token ${s.token}` });
const uploadsDir = (): string => (withProject as UploadTestServer).uploadsDir();

beforeAll(async () => {
  const folder = await uploadTestFolder('rs-upload-');
  tmp = folder.tmp;
  withProject = await startUploadTestServer(folder, { projectName: 'Upload test', maxUploadBytes: CAP });
  withoutProject = await startUploadTestServer(folder);
  server = withProject.server;
  emptyServer = withoutProject.server;
});

afterAll(async () => {
  await withProject?.close();
  await withoutProject?.close();
  await removeUploadTestFolder(tmp);
});

describe('POST /upload', () => {
  it('stores the body under cache/uploads with a time stamp, and the path imports', async () => {
    const rows = [
      { id: 'u1', query: 'Which?', response: ['a', 'b'], human_ranking: [1, 0] },
      { id: 'u2', query: 'Which two?', response: ['c', 'd'] },
    ];
    const body = Buffer.from(rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
    // Sent in several chunks, as a browser streams a File.
    const reply = await post(server, `${UPLOAD_PATH}?name=${encodeURIComponent('my data.jsonl')}`, [body.subarray(0, 10), body.subarray(10)], {
      headers: { ...auth(server), origin: `http://127.0.0.1:${server.port}` },
    });
    expect(reply.status).toBe(200);
    const file = reply.json.path as string;
    expect(path.dirname(file)).toBe(uploadsDir());
    expect(path.basename(file)).toMatch(/^\d{8}-\d{6}-my_data\.jsonl$/);
    expect(reply.json.bytes).toBe(body.length);
    expect(await readFile(file)).toEqual(body);

    const imported = await (withProject as UploadTestServer).router.invoke('dataset.import', { file });
    expect(imported).toMatchObject({ ok: true, result: { added: 2, labeled: 1, errorCount: 0 } });
  });

  it('keeps a hostile name inside the folder and never overwrites an earlier upload', async () => {
    const name = '../../evil name?.jsonl';
    const first = await post(server, `${UPLOAD_PATH}?name=${encodeURIComponent(name)}`, [Buffer.from('one\n')], { headers: auth(server) });
    const second = await post(server, `${UPLOAD_PATH}?name=${encodeURIComponent(name)}`, [Buffer.from('two\n')], { headers: auth(server) });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(path.dirname(first.json.path as string)).toBe(uploadsDir());
    expect(first.json.path).not.toBe(second.json.path);
    expect(await readFile(first.json.path as string, 'utf8')).toBe('one\n');
    expect(await readFile(second.json.path as string, 'utf8')).toBe('two\n');
    expect(sanitizeUploadName('../../evil name?.jsonl')).toBe('evil_name_.jsonl');
    expect(sanitizeUploadName('C:\\data\\train.parquet')).toBe('train.parquet');
    expect(sanitizeUploadName('...')).toBe('upload');
  });

  it('needs the token, the studio\'s own origin, POST and a name', async () => {
    const data = [Buffer.from('x')];
    expect((await post(server, `${UPLOAD_PATH}?name=a.jsonl`, data)).status).toBe(403);
    expect((await post(server, `${UPLOAD_PATH}?name=a.jsonl&token=${server.token}`, data)).status).toBe(200);
    expect((await post(server, `${UPLOAD_PATH}?name=a.jsonl`, data, { headers: { ...auth(server), origin: 'http://evil.example' } })).status).toBe(403);
    expect((await post(server, `${UPLOAD_PATH}?name=a.jsonl`, [], { headers: auth(server), method: 'PUT' })).status).toBe(405);
    const unnamed = await post(server, UPLOAD_PATH, data, { headers: auth(server) });
    expect(unnamed).toMatchObject({ status: 400, json: { error: 'The upload has no file name.' } });
  });

  it('answers 413 above the size cap, declared or streamed, and leaves no partial file', async () => {
    const before = await readdir(uploadsDir());
    const big = Buffer.alloc(CAP + 1, 120);
    const declared = await post(server, `${UPLOAD_PATH}?name=big.jsonl`, [big], { headers: auth(server) });
    expect(declared.status).toBe(413);
    expect(declared.json.error).toBe('The file is larger than the upload limit of 64 KiB.');
    expect(declared.json.hint).toContain('path field');
    const chunks = Array.from({ length: 9 }, () => Buffer.alloc(CAP / 8, 121));
    const streamed = await post(server, `${UPLOAD_PATH}?name=big.jsonl`, chunks, { headers: auth(server), length: false });
    expect(streamed.status).toBe(413);
    expect(await readdir(uploadsDir())).toEqual(before);
  });

  it('refuses when no project is open', async () => {
    const reply = await post(emptyServer, `${UPLOAD_PATH}?name=a.jsonl`, [Buffer.from('x')], { headers: auth(emptyServer) });
    expect(reply).toMatchObject({ status: 409, json: { error: 'No project is open, so there is nowhere to put the upload.' } });
  });
});
