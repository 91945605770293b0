/**
 * Images a browser uploaded for scoring are read only from the project's uploads folder: the path
 * comes from a client, and scoring must not read any image on the server's disk.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readUploadedScoreImage } from '../../app/scoring/score-image';

let root: string;
let uploads: string;
let outside: string;
let png: Buffer;

beforeAll(async () => {
  // One folder for the whole file (tempDir's folders go after each test).
  root = mkdtempSync(path.join(tmpdir(), 'rs-score-upload-'));
  uploads = path.join(root, 'project', 'cache', 'uploads');
  mkdirSync(uploads, { recursive: true });
  png = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 10, b: 10 } } }).png().toBuffer();
  writeFileSync(path.join(uploads, '20261203-120000-red.png'), png);
  outside = path.join(root, 'elsewhere.png');
  writeFileSync(outside, png);
  symlinkSync(outside, path.join(uploads, 'link-out.png'));
  mkdirSync(path.join(uploads, 'a-folder.png'));
  writeFileSync(path.join(uploads, 'huge.png'), Buffer.alloc(16 * 1024 * 1024 + 1));
  writeFileSync(path.join(uploads, 'not-an-image.png'), 'hello');
});

/** What a rejected promise threw, as plain fields (toMatchObject on an Error compares its message only). */
async function failure(promise: Promise<unknown>): Promise<{ code?: string; message?: string } | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    return { code, message };
  }
}

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('readUploadedScoreImage', () => {
  it('reads an uploaded image, byte for byte', async () => {
    expect((await readUploadedScoreImage(uploads, path.join(uploads, '20261203-120000-red.png'))).equals(png)).toBe(true);
  });

  it('refuses files outside the uploads folder, by path, by .. and by a link', async () => {
    expect(await failure(readUploadedScoreImage(uploads, outside))).toMatchObject({ code: 'forbidden' });
    expect(await failure(readUploadedScoreImage(uploads, path.join(uploads, '..', '..', '..', 'elsewhere.png')))).toMatchObject({ code: 'forbidden' });
    expect(await failure(readUploadedScoreImage(uploads, path.join(uploads, 'link-out.png')))).toMatchObject({ code: 'forbidden' });
    expect(await failure(readUploadedScoreImage(uploads, '20261203-120000-red.png'))).toMatchObject({ code: 'forbidden' });
  });

  it('refuses what is not a whole image within the limits, saying so', async () => {
    expect(await failure(readUploadedScoreImage(uploads, path.join(uploads, 'a-folder.png')))).toMatchObject({ code: 'forbidden' });
    expect(await failure(readUploadedScoreImage(uploads, path.join(uploads, 'huge.png')))).toMatchObject({ code: 'bad_image', message: expect.stringContaining('over the 16 MiB limit') });
    expect(await failure(readUploadedScoreImage(uploads, path.join(uploads, 'not-an-image.png')))).toMatchObject({ code: 'bad_image' });
    expect(await failure(readUploadedScoreImage(uploads, path.join(uploads, 'gone.png')))).toMatchObject({ code: 'not_found' });
  });
});
