import sharp, { type Metadata } from 'sharp';
import { StudioError } from '../errors';
import {
  ACCEPTED_IMAGE_FORMATS,
  EXTENSION_FOR_FORMAT,
  MAX_IMAGE_BYTES,
  MAX_IMAGE_PIXELS,
  megapixels,
  type AcceptedImageFormat,
} from './image-limits';

export interface ProbedImage {
  width: number;
  height: number;
  format: AcceptedImageFormat;
  /** The extension the studio stores it under, from its content, never from its name. */
  ext: string;
}

const FORMAT_NAMES = 'JPEG, PNG, WebP, GIF or TIFF';

function isAccepted(format: string | undefined): format is AcceptedImageFormat {
  return (ACCEPTED_IMAGE_FORMATS as readonly string[]).includes(format ?? '');
}

/**
 * Checks that `bytes` are a whole, decodable image within the limits, without trusting the
 * file name. `label` names the image in messages (a path as the person wrote it).
 *
 * Order matters: the header is read first (cheap, no pixel allocation) so a decompression bomb is
 * refused before any decoding; only then is every pixel decoded, to catch truncated files.
 */
export async function probeImage(bytes: Uint8Array, label: string): Promise<ProbedImage> {
  if (bytes.byteLength > MAX_IMAGE_BYTES) {
    throw new StudioError(
      'bad_image',
      `${label} is ${(bytes.byteLength / 1024 / 1024).toFixed(0)} MiB, over the ${MAX_IMAGE_BYTES / 1024 / 1024} MiB limit`,
      'Re-encode or downscale the image and import again.',
    );
  }
  if (bytes.byteLength === 0) {
    throw new StudioError('bad_image', `${label} is not an image (the file is empty)`, 'Replace it with a real image file.');
  }
  const metadata = await readHeader(bytes, label);
  const { width, height } = metadata;
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new StudioError(
      'bad_image',
      `${label} is ${width}x${height} (${megapixels(width * height)} megapixels), over the ${MAX_IMAGE_PIXELS / 1_000_000}-megapixel limit`,
      'Downscale the image and import again.',
    );
  }
  await decodeEveryPixel(bytes, label);
  return { width, height, format: metadata.format, ext: EXTENSION_FOR_FORMAT[metadata.format] };
}

async function readHeader(
  bytes: Uint8Array,
  label: string,
): Promise<{ width: number; height: number; format: AcceptedImageFormat }> {
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw new StudioError(
      'bad_image',
      `${label} is not an image (its content is not ${FORMAT_NAMES})`,
      'Replace it with a real image file; the extension alone does not make a file an image.',
    );
  }
  if (!isAccepted(metadata.format)) {
    throw new StudioError(
      'bad_image',
      `${label} is a ${String(metadata.format).toUpperCase()} image, which is not supported (use ${FORMAT_NAMES})`,
      'Convert it to PNG or JPEG and import again.',
    );
  }
  const width = metadata.width ?? 0;
  // Animated images report all frames stacked; the model sees the first frame only.
  const height = metadata.pageHeight ?? metadata.height ?? 0;
  if (width <= 0 || height <= 0) {
    throw new StudioError('bad_image', `${label} is a corrupt image (no dimensions in its header)`, 'Re-export the image.');
  }
  return { width, height, format: metadata.format };
}

async function decodeEveryPixel(bytes: Uint8Array, label: string): Promise<void> {
  try {
    // stats() streams through every pixel without holding the decoded image in memory.
    await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error' }).stats();
  } catch {
    // sharp's own wording varies by version and codec, so the message does not repeat it.
    throw new StudioError(
      'bad_image',
      `${label} is a corrupt image (it cannot be fully decoded)`,
      'The file is truncated or damaged; re-export or re-download it.',
    );
  }
}
