/**
 * When an ONNX export scores an image at other than the checkpoint's own resolution.
 *
 * A VL export takes images at one fixed grid (the traced vision tower bakes it in); the Python worker
 * gives each image its own smart_resize size. An image whose smart_resize is the grid (a square one,
 * say) is scored exactly as the checkpoint would; any other is resized — stretched — to the grid, so
 * its scores differ from the checkpoint's, sometimes by more than the rewards' spread. The scoring
 * result says so, and the playground and ONNX evaluations show the notice.
 */
import type { OnnxImageConfig } from './onnx-config';
import { smartResize } from './qwen-image-preprocess';

export interface Size {
  width: number;
  height: number;
}

/** An image scored at the export's grid instead of the size the checkpoint would give it. */
export interface ImageResize {
  /** The image's own size. */
  from: Size;
  /** The export's fixed grid (pixels). */
  to: Size;
}

type GridConfig = Pick<OnnxImageConfig, 'width' | 'height' | 'patch_size' | 'merge_size' | 'min_pixels' | 'max_pixels'>;

/**
 * The resize an image of `image` size undergoes away from the checkpoint's resolution, or null when
 * the Python processor would give it the export's grid too (then the ONNX scores are the checkpoint's).
 */
export function imageResize(image: Size, config: GridConfig): ImageResize | null {
  const factor = config.patch_size * config.merge_size;
  const [h, w] = smartResize(image.height, image.width, factor, config.min_pixels, config.max_pixels);
  if (h === config.height && w === config.width) return null;
  return { from: { width: image.width, height: image.height }, to: { width: config.width, height: config.height } };
}

const size = (s: Size) => `${s.width}×${s.height}`;

/**
 * The notice for the resized images of one scoring (a playground request or an evaluation), or null
 * when none was resized. Sizes are listed once each, at most four, in the order met.
 */
export function resizeNotice(resizes: readonly (ImageResize | null | undefined)[]): string | null {
  const found = resizes.filter((r): r is ImageResize => !!r);
  const first = found[0];
  if (!first) return null;
  const sizes = [...new Set(found.map((r) => size(r.from)))];
  const listed = sizes.length > 4 ? `${sizes.slice(0, 4).join(', ')} and ${sizes.length - 4} more sizes` : sizes.join(', ');
  const what = found.length === 1 ? 'image' : `${found.length} images`;
  return `${what} resized from ${listed} to the export's ${size(first.to)} grid: scores differ from the checkpoint's; score with the checkpoint for exact scores`;
}
