import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { StudioError } from '../errors';
import { MAX_IMAGE_BYTES } from './image-limits';
import { probeImage, type ProbedImage } from './probe-image';

/** An image that is now in the project's media folder. Plain JSON. */
export interface StoredImage extends ProbedImage {
  sha256: string;
  bytes: number;
  /** Path relative to the project folder, always with forward slashes. */
  relPath: string;
}

/** Content-addressed location: the same pixels imported twice are stored once. */
export function mediaRelPath(sha256: string, ext: string): string {
  return `media/${sha256.slice(0, 2)}/${sha256}.${ext}`;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Probes, hashes and stores `bytes`; safe to call again with the same content. */
export async function addImageBytes(projectDir: string, bytes: Uint8Array, label: string): Promise<StoredImage> {
  const probed = await probeImage(bytes, label);
  const sha256 = sha256Hex(bytes);
  const relPath = mediaRelPath(sha256, probed.ext);
  await writeOnce(join(projectDir, relPath), bytes);
  return { ...probed, sha256, bytes: bytes.byteLength, relPath };
}

/** Reads an image file (after checking its size, so a huge file is never read) and stores it. */
export async function addImageFile(projectDir: string, filePath: string, label: string): Promise<StoredImage> {
  return addImageBytes(projectDir, await readImageFile(filePath, label), label);
}

/** An image file's bytes, its size checked first (a huge file is never read); not probed yet. */
export async function readImageFile(filePath: string, label: string): Promise<Buffer> {
  const info = await statImage(filePath, label);
  if (info.size > MAX_IMAGE_BYTES) {
    throw new StudioError(
      'bad_image',
      `${label} is ${(info.size / 1024 / 1024).toFixed(0)} MiB, over the ${MAX_IMAGE_BYTES / 1024 / 1024} MiB limit`,
      'Re-encode or downscale the image and import again.',
    );
  }
  return readFile(filePath);
}

async function statImage(filePath: string, label: string): Promise<{ size: number }> {
  try {
    const info = await stat(filePath);
    if (!info.isFile()) {
      throw new StudioError('bad_image', `${label} is not an image (it is a folder)`, 'Point the row at an image file.');
    }
    return info;
  } catch (error) {
    if (error instanceof StudioError) throw error;
    throw new StudioError('bad_image', `image not found at ${filePath}`, 'Check the path; relative paths are resolved from the data file\'s folder.');
  }
}

/** Writes through a temporary name and a rename, so a crash never leaves a half image at the final path. */
export async function writeOnce(finalPath: string, bytes: Uint8Array): Promise<void> {
  if (existsSync(finalPath)) return;
  await mkdir(dirname(finalPath), { recursive: true });
  const tempPath = `${finalPath}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tempPath, bytes);
    await rename(tempPath, finalPath);
  } catch (error) {
    await unlink(tempPath).catch(() => undefined);
    throw error;
  }
}
