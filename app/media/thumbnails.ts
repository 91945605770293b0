import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { StudioError } from '../errors';
import { MAX_IMAGE_PIXELS } from './image-limits';
import { mediaRelPath } from './media-store';

export const DEFAULT_THUMB_SIZE = 256;

/**
 * Where the thumbnail of an image lives, relative to the project folder. Listing items only
 * computes this path; it never decodes an image. The file is made at import for each item's
 * first image, and on demand by `ensureThumbnail` (the media server calls it when missing).
 */
export function thumbnailRelPath(sha256: string, size: number = DEFAULT_THUMB_SIZE): string {
  return `cache/thumbs/${sha256.slice(0, 2)}/${sha256}-${size}.webp`;
}

/** Makes the cached WebP thumbnail if it does not exist yet; returns its project-relative path. */
export async function ensureThumbnail(
  projectDir: string,
  sha256: string,
  ext: string,
  size: number = DEFAULT_THUMB_SIZE,
): Promise<string> {
  const relPath = thumbnailRelPath(sha256, size);
  const finalPath = join(projectDir, relPath);
  if (existsSync(finalPath)) return relPath;
  const source = join(projectDir, mediaRelPath(sha256, ext));
  if (!existsSync(source)) {
    throw new StudioError('not_found', `image ${sha256}.${ext} is missing from the project's media folder`, 'Re-import the data file that contained it.');
  }
  await mkdir(dirname(finalPath), { recursive: true });
  const tempPath = `${finalPath}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await sharp(source, { limitInputPixels: MAX_IMAGE_PIXELS })
      .rotate()
      .resize(size, size, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toFile(tempPath);
    await rename(tempPath, finalPath);
  } catch (error) {
    await unlink(tempPath).catch(() => undefined);
    throw error;
  }
  return relPath;
}
