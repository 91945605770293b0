import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../app/errors';
import { addImageBytes, addImageFile, mediaRelPath } from '../../app/media/media-store';
import { probeImage } from '../../app/media/probe-image';
import { ensureThumbnail, thumbnailRelPath } from '../../app/media/thumbnails';
import { jpegBytes, pngBytes, writePngBomb, writeTextAsPng, writeTruncatedPng } from '../fixtures/images';
import { tempDir } from '../fixtures/temp-dirs';

async function probeFailure(bytes: Uint8Array, label: string): Promise<StudioError> {
  try {
    await probeImage(bytes, label);
  } catch (error) {
    expect(error).toBeInstanceOf(StudioError);
    return error as StudioError;
  }
  throw new Error('probeImage accepted a bad image');
}

describe('probeImage', () => {
  it('reads size and format from the content, not the name', async () => {
    expect(await probeImage(await pngBytes(40, 30), 'a.jpg')).toEqual({ width: 40, height: 30, format: 'png', ext: 'png' });
    expect(await probeImage(await jpegBytes(17, 9), 'b.png')).toEqual({ width: 17, height: 9, format: 'jpeg', ext: 'jpg' });
  });

  it('refuses a text file named .png', async () => {
    const dir = tempDir();
    writeTextAsPng(join(dir, 'fake.png'));
    const error = await probeFailure(readFileSync(join(dir, 'fake.png')), 'image "fake.png"');
    expect(error.code).toBe('bad_image');
    expect(error.message).toBe('image "fake.png" is not an image (its content is not JPEG, PNG, WebP, GIF or TIFF)');
  });

  it('refuses a truncated PNG whose header is fine', async () => {
    const dir = tempDir();
    await writeTruncatedPng(join(dir, 'cut.png'));
    const bytes = readFileSync(join(dir, 'cut.png'));
    // The header alone still reads: only a full decode finds the damage.
    expect((await sharp(bytes).metadata()).width).toBe(64);
    const error = await probeFailure(bytes, 'image "cut.png"');
    expect(error.message).toBe('image "cut.png" is a corrupt image (it cannot be fully decoded)');
  });

  it('refuses a decompression bomb from its header, before decoding', async () => {
    const dir = tempDir();
    writePngBomb(join(dir, 'bomb.png'), 30000, 30000);
    const bytes = readFileSync(join(dir, 'bomb.png'));
    expect(bytes.length).toBeLessThan(100_000);
    const rssBefore = process.memoryUsage().rss;
    const error = await probeFailure(bytes, 'image "bomb.png"');
    expect(error.message).toBe('image "bomb.png" is 30000x30000 (900 megapixels), over the 50-megapixel limit');
    // Decoding would have needed 900 MB; refusing from the header needs next to nothing.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
  });

  it('refuses an empty file and an unsupported format', async () => {
    expect((await probeFailure(new Uint8Array(0), 'x')).message).toBe('x is not an image (the file is empty)');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    expect((await probeFailure(svg, 'image "a.svg"')).message).toBe(
      'image "a.svg" is a SVG image, which is not supported (use JPEG, PNG, WebP, GIF or TIFF)',
    );
  });
});

describe('media store', () => {
  it('stores by content hash once, under the extension of the real format', async () => {
    const project = tempDir();
    const bytes = await pngBytes(12, 12);
    const first = await addImageBytes(project, bytes, 'a');
    const second = await addImageBytes(project, bytes, 'b');
    expect(second).toEqual(first);
    expect(first.relPath).toBe(mediaRelPath(first.sha256, 'png'));
    expect(first.relPath).toMatch(/^media\/[0-9a-f]{2}\/[0-9a-f]{64}\.png$/);
    expect(readFileSync(join(project, first.relPath)).equals(bytes)).toBe(true);
  });

  it('adds from a file path, and says where a missing file was looked for', async () => {
    const project = tempDir();
    const data = tempDir();
    writeFileSync(join(data, 'photo.png'), await jpegBytes(8, 8));
    const stored = await addImageFile(project, join(data, 'photo.png'), 'photo.png');
    expect(stored.ext).toBe('jpg');
    await expect(addImageFile(project, join(data, 'gone.png'), 'gone.png')).rejects.toThrow(`image not found at ${join(data, 'gone.png')}`);
  });

  it('makes a cached WebP thumbnail no larger than the size asked', async () => {
    const project = tempDir();
    const stored = await addImageBytes(project, await pngBytes(600, 300), 'wide');
    const rel = await ensureThumbnail(project, stored.sha256, stored.ext);
    expect(rel).toBe(thumbnailRelPath(stored.sha256));
    const meta = await sharp(join(project, rel)).metadata();
    expect(meta.format).toBe('webp');
    expect([meta.width, meta.height]).toEqual([256, 128]);
    expect(existsSync(join(project, rel))).toBe(true);
    // Second call is a cache hit: the file is not rewritten.
    const mtime = (await import('node:fs')).statSync(join(project, rel)).mtimeMs;
    await ensureThumbnail(project, stored.sha256, stored.ext);
    expect((await import('node:fs')).statSync(join(project, rel)).mtimeMs).toBe(mtime);
  });
});
