/**
 * Images sent for scoring arrive as data URLs or bare base64 (the playground, the HTTP API). They are
 * decoded and checked against the studio's image limits here, before any worker sees them, so a bad
 * image is a clear 400 / invalid-input error rather than a failure deep inside the model.
 */
import { StudioError } from '../errors';
import { probeImage } from '../media/probe-image';
import { MAX_IMAGE_BASE64_CHARS } from './score-limits';

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
