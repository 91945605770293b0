/** When the ONNX scorer's resize makes scores differ from the checkpoint's, and what it says then. */
import { describe, expect, it } from 'vitest';
import { imageResize, resizeNotice } from '../../app/onnx/image-resize-notice';

/** The tiny VL export: a 56×56 grid, min_pixels = max_pixels = 56·56 (every image smart-resizes to 3136 pixels). */
const tiny = { width: 56, height: 56, patch_size: 14, merge_size: 2, min_pixels: 3136, max_pixels: 3136 };
/** A Qwen2-VL-like export at 448×448 with the default pixel range. */
const qwen = { width: 448, height: 448, patch_size: 14, merge_size: 2, min_pixels: 56 * 56, max_pixels: 28 * 28 * 1280 };

describe('imageResize', () => {
  it('is null for an image the checkpoint also sees at the grid', () => {
    expect(imageResize({ width: 56, height: 56 }, tiny)).toBeNull();
    // Square images smart-resize to the same grid as the export's: the Python processor resizes them too.
    expect(imageResize({ width: 112, height: 112 }, tiny)).toBeNull();
    expect(imageResize({ width: 448, height: 448 }, qwen)).toBeNull();
    expect(imageResize({ width: 450, height: 446 }, qwen)).toBeNull();
  });

  it('reports the stretch of an image whose own size is not the grid', () => {
    expect(imageResize({ width: 320, height: 240 }, tiny)).toEqual({ from: { width: 320, height: 240 }, to: { width: 56, height: 56 } });
    expect(imageResize({ width: 320, height: 240 }, qwen)).toEqual({ from: { width: 320, height: 240 }, to: { width: 448, height: 448 } });
    expect(imageResize({ width: 1024, height: 1024 }, qwen)).not.toBeNull();
  });
});

describe('resizeNotice', () => {
  const wide = { from: { width: 320, height: 240 }, to: { width: 56, height: 56 } };
  it('is null when nothing was resized', () => {
    expect(resizeNotice([])).toBeNull();
    expect(resizeNotice([null, undefined, null])).toBeNull();
  });

  it('names the size, the grid and what to do for one image', () => {
    expect(resizeNotice([null, wide])).toBe(
      "image resized from 320×240 to the export's 56×56 grid: scores differ from the checkpoint's; score with the checkpoint for exact scores",
    );
  });

  it('counts images and lists each size once, at most four', () => {
    const tall = { from: { width: 240, height: 320 }, to: wide.to };
    expect(resizeNotice([wide, null, tall, wide])).toBe(
      "3 images resized from 320×240, 240×320 to the export's 56×56 grid: scores differ from the checkpoint's; score with the checkpoint for exact scores",
    );
    const many = [100, 200, 300, 400, 500, 600].map((w) => ({ from: { width: w, height: 50 }, to: wide.to }));
    expect(resizeNotice(many)).toMatch(/^6 images resized from 100×50, 200×50, 300×50, 400×50 and 2 more sizes to the export's 56×56 grid/);
  });
});
