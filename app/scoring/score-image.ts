/**
 * Images sent for scoring arrive as data URLs or bare base64 (the playground in the desktop app, the
 * HTTP API), or — from a browser, where a 16 MiB image would not fit in one WebSocket frame — as a
 * file uploaded to `serve` first (`POST /upload`, kept under `<project>/cache/uploads/`). Either way
 * they are checked against the studio's image limits here, before any worker sees them, so a bad
 * image is a clear 400 / invalid-input error rather than a failure deep inside the model.
 */
import { lstat, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../errors';
import { probeImage } from '../media/probe-image';
import { MAX_IMAGE_BASE64_CHARS, MAX_SCORE_IMAGE_BYTES } from './score-limits';

const DATA_URL = /^data:([\w.+/-]*)(;[\w=.+-]+)*;base64,/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes `value` (null/empty = no image) and verifies it is a whole image within the limits. */
export async function decodeScoreImage(value: string | null | undefined, label: string = 'image'): Promise<Buffer | null> {
  if (value === null || value === undefined || value === '') return null;
  if (value.length > MAX_IMAGE_BASE64_CHARS) {
    throw new StudioError(
      'bad_image',
      `${label} is ${(value.length / 1_000_000).toFixed(0)} million base64 characters, over the ${MAX_IMAGE_BASE64_CHARS / 1_000_000} million limit`,
      'Downscale or re-encode the image (about 16 MiB of image at most).',
    );
  }
  const match = DATA_URL.exec(value);
  if (value.startsWith('data:') && !match) {
    throw new StudioError('bad_image', `${label} is a data URL without base64 content`, 'Send `data:image/png;base64,...` or the bare base64 of the file.');
  }
  const text = (match ? value.slice(match[0].length) : value).replace(/\s+/g, '');
  if (text.length % 4 !== 0 || !BASE64.test(text)) {
    throw new StudioError('bad_image', `${label} is not valid base64`, 'Encode the image file’s bytes as standard base64 (A–Z, a–z, 0–9, +, /, = padding).');
  }
  const bytes = Buffer.from(text, 'base64');
  await probeImage(bytes, label);
  return bytes;
}

/**
 * Reads an image the browser uploaded for scoring. Only a regular file inside the project's uploads
 * folder (after resolving links) is read: the path comes from a client, and scoring must not become
 * a way to read any image on the server's disk.
 */
export async function readUploadedScoreImage(uploadsDir: string, file: string, label: string = 'image'): Promise<Buffer> {
  const refused = () =>
    new StudioError('forbidden', `${label} ${file} is not a file uploaded to this project`, 'Attach the image again (it is uploaded to the studio first), or send it as base64.');
  if (!path.isAbsolute(file)) throw refused();
  let resolved: string;
  let root: string;
  try {
    [resolved, root] = await Promise.all([realpath(file), realpath(uploadsDir)]);
  } catch {
    throw new StudioError('not_found', `${label} ${file} is not on the server any more`, 'Attach the image again.');
  }
  if (!resolved.startsWith(root + path.sep)) throw refused();
  const stat = await lstat(resolved);
  if (!stat.isFile()) throw refused();
  if (stat.size > MAX_SCORE_IMAGE_BYTES) {
    throw new StudioError('bad_image', `${label} is ${(stat.size / 1024 / 1024).toFixed(1)} MiB, over the ${MAX_SCORE_IMAGE_BYTES / 1024 / 1024} MiB limit`, 'Downscale or re-encode the image.');
  }
  const bytes = await readFile(resolved);
  await probeImage(bytes, label);
  return bytes;
}
