/**
 * POST /upload with a `.zip`, over a real socket with real zip files (yazl; hostile names are
 * patched into the bytes, since no honest zip tool writes them): the zip unpacks next to the other
 * uploads, its import resolves the images inside it, a LLaMA-Factory data/ folder lists its
 * datasets, and every hostile or broken zip is refused with a 400 naming the entry while nothing
 * is written anywhere.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import { UPLOAD_PATH } from '../../app/rpc/wire';
import type { StudioServer } from '../../app/server/studio-server';
import { checkEntryName, DEFAULT_ZIP_LIMITS, zipLimitsFor } from '../../app/server/unzip-upload';
import type { Studio } from '../../app/studio/studio';
import { removeUploadTestFolder, startUploadTestServer, uploadTestFolder, type UploadTestServer } from './upload-test-server';

/** 32 MiB uploads: room for a zip of 200,001 entries; unpacking is capped at 4× that, 128 MiB. */
const CAP = 32 * 1024 ** 2;
let tmp: string;
let studio: Studio;
let server: StudioServer;
let running: UploadTestServer | undefined;

interface Reply {
  status: number;
  json: Record<string, unknown>;
}

function upload(name: string, body: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: server.port,
        path: `${UPLOAD_PATH}?name=${encodeURIComponent(name)}`,
        method: 'POST',
        headers: { authorization: `token ${server.token}`, 'content-length': String(body.length) },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (chunk: Buffer) => parts.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          let json: Record<string, unknown>;
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            json = { text };
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface ZipEntry {
  name: string;
  data?: Buffer | string;
  /** Unix mode with file type, e.g. 0o120777 for a symlink. */
  mode?: number;
  directory?: boolean;
  compress?: boolean;
}

function makeZip(entries: ZipEntry[]): Promise<Buffer> {
  const zip = new ZipFile();
  for (const entry of entries) {
    if (entry.directory) zip.addEmptyDirectory(entry.name, entry.mode === undefined ? {} : { mode: entry.mode });
    else {
      const data = typeof entry.data === 'string' ? Buffer.from(entry.data) : (entry.data ?? Buffer.alloc(0));
      zip.addBuffer(data, entry.name, { ...(entry.mode === undefined ? {} : { mode: entry.mode }), compress: entry.compress ?? true });
    }
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => parts.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(parts)));
    zip.outputStream.on('error', reject);
  });
}

/** A zip with one entry literally named `name`: yazl refuses such names, so a placeholder of the same length is patched. */
async function zipNamed(name: string, extra: ZipEntry[] = []): Promise<Buffer> {
  const length = Buffer.byteLength(name);
  const placeholder = 'Q'.repeat(length);
  const bytes = await makeZip([{ name: 'data.jsonl', data: '{}\n', compress: false }, ...extra, { name: placeholder, data: 'owned\n', compress: false }]);
  let at = bytes.indexOf(placeholder);
  let patched = 0;
  while (at !== -1) {
    bytes.write(name, at, 'utf8');
    patched++;
    at = bytes.indexOf(placeholder, at + length);
  }
  expect(patched).toBe(2); // the local header and the central directory
  return bytes;
}

const uploadsDir = (): string => (running as UploadTestServer).uploadsDir();

async function png(width: number, height: number, colour: { r: number; g: number; b: number }): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } }).png().toBuffer();
}

/** Every path under `dir`, relative, sorted. */
async function tree(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String).sort();
}

beforeAll(async () => {
  const folder = await uploadTestFolder('rs-zip-upload-');
  tmp = folder.tmp;
  running = await startUploadTestServer(folder, { projectName: 'Zip upload test', maxUploadBytes: CAP });
  studio = running.studio;
  server = running.server;
  await mkdir(uploadsDir(), { recursive: true });
});

afterAll(async () => {
  await running?.close();
  await removeUploadTestFolder(tmp);
});

describe('POST /upload with a zip', () => {
  it('unpacks a JSONL with its images into its own folder, and the import finds the images', async () => {
    const red = await png(48, 32, { r: 220, g: 30, b: 30 });
    const blue = await png(20, 40, { r: 30, g: 60, b: 220 });
    const rows = [
      { id: 'z-red', query: 'Colour?', image: 'images/a.png', response: ['Red.', 'Blue.'], human_ranking: [0, 1] },
      { id: 'z-blue', query: 'Colour now?', image: 'images/sub/b.png', response: ['Red.', 'Blue.'], human_ranking: [1, 0] },
    ];
    const zip = await makeZip([
      { name: 'pairs/', directory: true },
      { name: 'pairs/seed.jsonl', data: rows.map((row) => JSON.stringify(row)).join('\n') + '\n' },
      { name: 'pairs/images/a.png', data: red },
      { name: 'pairs/images/sub/b.png', data: blue },
      { name: '__MACOSX/pairs/._seed.jsonl', data: 'resource fork' },
    ]);
    const reply = await upload('my pairs.zip', zip);
    expect(reply.status).toBe(200);
    const folder = reply.json.folder as string;
    expect(path.dirname(folder)).toBe(uploadsDir());
    expect(path.basename(folder)).toMatch(/^\d{8}-\d{6}-my_pairs$/);
    expect(reply.json).toMatchObject({ files: ['pairs/seed.jsonl'], datasetInfo: null, path: path.join(folder, 'pairs', 'seed.jsonl'), bytes: zip.length });
    expect(await tree(folder)).toEqual(['pairs', 'pairs/images', 'pairs/images/a.png', 'pairs/images/sub', 'pairs/images/sub/b.png', 'pairs/seed.jsonl']);
    expect(await readFile(path.join(folder, 'pairs/images/a.png'))).toEqual(red);
    // Neither the archive nor a .part folder is left beside it.
    expect((await readdir(uploadsDir())).filter((name) => name.endsWith('.zip') || name.endsWith('.part'))).toEqual([]);

    const imported = await (running as UploadTestServer).router.invoke('dataset.import', { file: reply.json.path as string });
    expect(imported).toMatchObject({ ok: true, result: { added: 2, errorCount: 0 } });
    const db = new Database(path.join(studio.projectDir as string, 'project.sqlite'), { readonly: true });
    try {
      const images = db
        .prepare('SELECT items.id AS id, images.sha256 AS sha, images.width AS width FROM items JOIN item_images ON item_images.item_rowid = items.rowid JOIN images ON images.sha256 = item_images.sha256 ORDER BY items.id')
        .all() as { id: string; sha: string; width: number }[];
      const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
      expect(images).toEqual([
        { id: 'z-blue', sha: sha(blue), width: 20 },
        { id: 'z-red', sha: sha(red), width: 48 },
      ]);
    } finally {
      db.close();
    }
  });

  it('lists the data files and the dataset_info.json datasets of a LLaMA-Factory data/ folder', async () => {
    const info = {
      pairs_dpo: { file_name: 'pairs_dpo.json', ranking: true, formatting: 'sharegpt', columns: { messages: 'conversations', chosen: 'chosen', rejected: 'rejected' } },
      from_hub: { hf_hub_url: 'someone/somewhere', ranking: true },
      not_shipped: { file_name: 'missing.json' },
      folder_set: { file_name: 'shards' },
      kto: { file_name: 'kto.jsonl' },
    };
    const zip = await makeZip([
      { name: 'data/dataset_info.json', data: JSON.stringify(info, null, 2) },
      { name: 'data/pairs_dpo.json', data: '[]' },
      { name: 'data/kto.jsonl', data: '' },
      { name: 'data/shards/part-0.parquet', data: 'PAR1' },
      { name: 'data/mllm_demo_data/1.jpg', data: 'jpeg' },
      { name: 'data/README.md', data: '# readme' },
    ]);
    const reply = await upload('data.zip', zip);
    expect(reply.status).toBe(200);
    const folder = reply.json.folder as string;
    expect(reply.json.files).toEqual(['data/kto.jsonl', 'data/pairs_dpo.json', 'data/shards/part-0.parquet']);
    expect(reply.json.path).toBeNull();
    expect(reply.json.datasetInfo).toEqual({
      path: path.join(folder, 'data', 'dataset_info.json'),
      datasets: ['pairs_dpo', 'folder_set', 'kto'],
      files: { pairs_dpo: 'data/pairs_dpo.json', folder_set: 'data/shards', kto: 'data/kto.jsonl' },
    });
    expect(existsSync(path.join(folder, 'data', 'dataset_info.json'))).toBe(true);
  });

  it('refuses zip-slip names and links with a 400 naming the entry, and writes nothing anywhere', async () => {
    const outside = path.join(tmp, 'outside');
    const hostile = [
      '../evil.txt',
      'ok/../../evil.txt',
      '..\\..\\evil.txt',
      'ok\\..\\..\\evil.txt',
      `/${outside.slice(1)}/evil.txt`,
      '\\\\server\\share\\evil.txt',
      'C:/evil.txt',
      'C:evil.txt',
      'd:\\evil.txt',
      'ok/\u0000evil.txt',
    ];
    const projectBefore = await tree(studio.projectDir as string);
    const tmpBefore = await tree(tmp);
    for (const name of hostile) {
      const reply = await upload('slip.zip', await zipNamed(name));
      expect(reply.status, name).toBe(400);
      expect(reply.json.entry, name).toBe(name);
      expect(reply.json.error, name).toContain(`"${name}"`);
      expect(reply.json.hint, name).toEqual(expect.any(String));
    }
    const link = await upload('link.zip', await makeZip([
      { name: 'data.jsonl', data: '{}\n' },
      { name: 'images/a.png', data: '/etc/passwd', mode: 0o120777 },
    ]));
    expect(link).toMatchObject({ status: 400, json: { entry: 'images/a.png', error: 'The zip entry "images/a.png" is a symbolic link, so the zip was not unpacked.' } });
    const fifo = await upload('fifo.zip', await makeZip([{ name: 'data.jsonl', data: '{}\n' }, { name: 'pipe', data: '', mode: 0o010644 }]));
    expect(fifo).toMatchObject({ status: 400, json: { entry: 'pipe' } });

    expect(await tree(studio.projectDir as string)).toEqual(projectBefore);
    expect(await tree(tmp)).toEqual(tmpBefore);
    expect(existsSync(outside)).toBe(false);
  });

  it('checks names itself: backslashes are folder separators, and what is left must stay inside', () => {
    expect(checkEntryName('images\\a.png')).toEqual({ relative: 'images/a.png', directory: false });
    expect(checkEntryName('./data//x.jsonl')).toEqual({ relative: 'data/x.jsonl', directory: false });
    expect(checkEntryName('images/')).toEqual({ relative: 'images', directory: true });
    expect(() => checkEntryName('a/..')).toThrow(/climbs out/);
    expect(() => checkEntryName('./')).toThrow(/names no file/);
  });

  it('refuses more entries than the limit before unpacking any', async () => {
    expect(DEFAULT_ZIP_LIMITS.maxEntries).toBe(200_000);
    // yazl takes minutes over 200,001 entries; Python's zipfile writes them in about two seconds.
    const file = path.join(tmp, 'many.zip');
    const script = [
      'import sys, zipfile',
      "with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_STORED) as z:",
      "    z.writestr('data.jsonl', '{}\\n')",
      "    for i in range(int(sys.argv[2])): z.writestr(f'i/{i}', b'')",
    ].join('\n');
    execFileSync('python3', ['-c', script, file, String(DEFAULT_ZIP_LIMITS.maxEntries)]);
    const zip = await readFile(file);
    await rm(file);
    expect(zip.length).toBeLessThan(CAP);
    const before = await tree(uploadsDir());
    const reply = await upload('many.zip', zip);
    expect(reply).toMatchObject({ status: 400, json: { error: 'The zip holds 200,001 entries, more than the limit of 200,000.' } });
    expect(await tree(uploadsDir())).toEqual(before);
  }, 60_000);

  it('refuses a zip that unpacks past 4× the upload limit, and a zip bomb, leaving nothing behind', async () => {
    expect(zipLimitsFor(CAP).maxTotalBytes).toBe(4 * CAP);
    expect(zipLimitsFor(4 * 1024 ** 3).maxTotalBytes).toBe(16 * 1024 ** 3);
    const before = await tree(uploadsDir());

    // Three honest 50 MiB entries (150 MiB > 128 MiB): refused from the central directory.
    const fifty = Buffer.alloc(50 * 1024 ** 2, 0x20);
    const large = await makeZip([{ name: 'data.jsonl', data: '{}\n' }, { name: 'a.bin', data: fifty }, { name: 'b.bin', data: fifty }, { name: 'c.bin', data: fifty }]);
    const tooLarge = await upload('large.zip', large);
    expect(tooLarge).toMatchObject({ status: 400, json: { entry: 'c.bin', error: 'The zip unpacks to more than the limit of 128 MiB (reached at "c.bin").' } });

    // 60 MiB of zeros in ~60 KiB (ratio ~1000): stopped by the ratio guard while inflating.
    const bombZip = await makeZip([{ name: 'data.jsonl', data: '{}\n' }, { name: 'images/bomb.png', data: Buffer.alloc(60 * 1024 ** 2) }]);
    const bomb = await upload('bomb.zip', bombZip);
    expect(bomb.status).toBe(400);
    expect(bomb.json.entry).toBe('images/bomb.png');
    expect(bomb.json.error).toContain('inflates more than 100 times its compressed size');

    // The same bomb whose headers claim 4 KiB: yauzl's count of the inflated bytes stops it.
    const lying = Buffer.from(bombZip);
    const central = lying.indexOf(Buffer.from('images/bomb.png'), lying.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]))) - 46;
    expect(lying.readUInt32LE(central)).toBe(0x02014b50);
    lying.writeUInt32LE(4096, central + 24);
    const lied = await upload('lying.zip', lying);
    expect(lied).toMatchObject({ status: 400, json: { entry: 'images/bomb.png' } });
    expect(lied.json.error).toMatch(/^The zip entry "images\/bomb.png" is damaged: too many bytes in the stream/);

    expect(await tree(uploadsDir())).toEqual(before);
  }, 60_000);

  it('answers a clear 400 for a file that is no zip, a truncated zip and a damaged entry', async () => {
    const before = await tree(uploadsDir());
    const notZip = await upload('photos.zip', Buffer.from('this is not a zip file at all, just text\n'.repeat(10)));
    expect(notZip.status).toBe(400);
    expect(notZip.json.error).toMatch(/^The upload is not a readable zip: /);
    expect(notZip.json.hint).toContain('Make the zip again');

    const good = await makeZip([{ name: 'data.jsonl', data: `${'{"id": "x", "query": "q"}\n'.repeat(2000)}` }]);
    const truncated = await upload('cut.zip', good.subarray(0, Math.floor(good.length / 2)));
    expect(truncated.status).toBe(400);
    expect(truncated.json.error).toMatch(/^The upload is not a readable zip: /);

    // Flip bytes inside the stored data: the CRC-32 check catches it.
    const stored = await makeZip([{ name: 'data.jsonl', data: '{"id": "x", "query": "abcdefgh"}\n', compress: false }]);
    const at = stored.indexOf('abcdefgh');
    stored.write('ABCDEFGH', at);
    const damaged = await upload('flipped.zip', stored);
    expect(damaged).toMatchObject({ status: 400, json: { entry: 'data.jsonl', error: 'The zip entry "data.jsonl" is damaged: its checksum does not match.' } });

    const empty = await upload('images-only.zip', await makeZip([{ name: 'images/a.png', data: 'png' }]));
    expect(empty).toMatchObject({ status: 400, json: { error: 'The zip holds no data file (.jsonl, .json, .jsonl.gz, .json.gz, .jsonl.zst or .parquet).' } });
    expect(await tree(uploadsDir())).toEqual(before);
  });

  it('still answers {path} for a plain file', async () => {
    const reply = await upload('plain.jsonl', Buffer.from('{}\n'));
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.json).sort()).toEqual(['bytes', 'path']);
  });
});
