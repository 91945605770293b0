/**
 * Limits every image must pass before the studio decodes or stores it.
 *
 * Images come from datasets people download; a 30000x30000 PNG of a few kilobytes would
 * otherwise allocate gigabytes when decoded (a decompression bomb). The pixel limit is checked
 * from the header first and then enforced again by sharp's `limitInputPixels` while decoding.
 */
export const MAX_IMAGE_PIXELS = 50_000_000;

/** Files larger than this are refused before they are read into memory. */
export const MAX_IMAGE_BYTES = 64 * 1024 * 1024;

/** Formats a vision-language model's image loader (PIL) reads; anything else is refused. */
export const ACCEPTED_IMAGE_FORMATS = ['jpeg', 'png', 'webp', 'gif', 'tiff'] as const;
export type AcceptedImageFormat = (typeof ACCEPTED_IMAGE_FORMATS)[number];

/** File extension used when storing each format (never the extension the file came with). */
export const EXTENSION_FOR_FORMAT: Record<AcceptedImageFormat, string> = {
  jpeg: 'jpg',
  png: 'png',
  webp: 'webp',
  gif: 'gif',
  tiff: 'tif',
};

export function megapixels(pixels: number): string {
  const mp = pixels / 1_000_000;
  return mp >= 10 ? mp.toFixed(0) : mp.toFixed(1);
}
