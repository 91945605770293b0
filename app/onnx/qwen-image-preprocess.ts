/**
 * pixel_values for one image, as Qwen2VLImageProcessor (transformers' torchvision backend) makes them:
 * decode to RGB (PIL's convert("RGB"): alpha dropped), resize to the export's fixed size with
 * torch's uint8 antialiased bicubic, rescale + normalize in float32, then cut into patches.
 *
 * The resize is done here in JS, not with sharp: torch resizes uint8 images with PIL-style separable
 * filters in 16-bit fixed point (weights precision chosen per axis, width pass then height pass, each
 * rounded and clamped to 0..255). libvips' cubic kernels differ in weights and rounding, so sharp's
 * resize lands a few grey levels off on edges — after normalization that is ~0.05 per value, far from
 * the exact match the ONNX scores need. sharp only decodes.
 */
import sharp from 'sharp';
import { StudioError } from '../errors';
import type { OnnxImageConfig } from './onnx-config';

export interface RgbImage {
  width: number;
  height: number;
  /** Interleaved RGB, 3 bytes per pixel, row-major. */
  data: Uint8Array;
}

export async function decodeRgb(image: Buffer): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(image, { failOn: 'error' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    if (info.channels === 3) return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
    // Grey images decode to one channel; PIL's convert("RGB") repeats it.
    const rgb = new Uint8Array(info.width * info.height * 3);
    for (let i = 0; i < info.width * info.height; i += 1) rgb.fill(data[i * info.channels] as number, i * 3, i * 3 + 3);
    return { width: info.width, height: info.height, data: rgb };
  } catch (error) {
    throw new StudioError('bad_image', `cannot decode the image: ${(error as Error).message}`, 'Use a PNG, JPEG, WebP or GIF file.');
  }
}

// ---- torch's uint8 antialiased bicubic (aten UpSampleKernel.cpp, _compute_index_ranges_int16_weights) ----
interface AxisTaps {
  start: Int32Array;
  count: Int32Array;
  /** [out][taps] fixed-point weights. */
  weights: Int32Array;
  taps: number;
  precision: number;
}

/** Keys' cubic with a = -0.5 (PIL's), in torch's evaluation order. */
function cubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
  return 0;
}

function axisTaps(inSize: number, outSize: number): AxisTaps {
  const scale = inSize / outSize;
  const support = scale >= 1 ? 2 * scale : 2;
  const taps = Math.ceil(support) * 2 + 1;
  const invscale = scale >= 1 ? 1 / scale : 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const real = new Float64Array(outSize * taps);
  let wtMax = 0;
  for (let i = 0; i < outSize; i += 1) {
    const center = scale * (i + 0.5);
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xsize = Math.min(Math.max(Math.min(Math.trunc(center + support + 0.5), inSize) - xmin, 0), taps);
    let total = 0;
    for (let j = 0; j < xsize; j += 1) {
      const w = cubic((j + xmin - center + 0.5) * invscale);
      real[i * taps + j] = w;
      total += w;
    }
    if (total !== 0) {
      for (let j = 0; j < xsize; j += 1) {
        real[i * taps + j] = (real[i * taps + j] as number) / total;
        wtMax = Math.max(wtMax, real[i * taps + j] as number);
      }
    }
    start[i] = xmin;
    count[i] = xsize;
  }
  let precision = 0;
  for (; precision < 22; precision += 1) {
    if (Math.trunc(0.5 + wtMax * 2 ** (precision + 1)) >= 1 << 15) break;
  }
  const weights = new Int32Array(outSize * taps);
  for (let k = 0; k < real.length; k += 1) {
    const v = (real[k] as number) * 2 ** precision;
    weights[k] = v < 0 ? Math.trunc(-0.5 + v) : Math.trunc(0.5 + v);
  }
  return { start, count, weights, taps, precision };
}

/** One separable pass over a planar uint8 image (3 planes), along x (horizontal) or y. */
function pass(src: Uint8Array, w: number, h: number, axis: AxisTaps, horizontal: boolean): Uint8Array {
  const outW = horizontal ? axis.start.length : w;
  const outH = horizontal ? h : axis.start.length;
  const out = new Uint8Array(3 * outW * outH);
  const half = axis.precision > 0 ? 1 << (axis.precision - 1) : 0;
  for (let c = 0; c < 3; c += 1) {
    const plane = c * w * h;
    const outPlane = c * outW * outH;
    for (let y = 0; y < outH; y += 1) {
      for (let x = 0; x < outW; x += 1) {
        const o = horizontal ? x : y;
        const first = axis.start[o] as number;
        const n = axis.count[o] as number;
        let sum = half;
        for (let j = 0; j < n; j += 1) {
          const value = horizontal ? src[plane + y * w + first + j] : src[plane + (first + j) * w + x];
          sum += (value as number) * (axis.weights[o * axis.taps + j] as number);
        }
        const v = sum >> axis.precision;
        out[outPlane + y * outW + x] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
  return out;
}

/** Planar (CHW) uint8 resize, width pass first, a pass skipped when its size does not change. */
export function resizeBicubicAA(image: RgbImage, outW: number, outH: number): Uint8Array {
  const { width: w, height: h } = image;
  let planar: Uint8Array = new Uint8Array(3 * w * h);
  for (let i = 0; i < w * h; i += 1) {
    for (let c = 0; c < 3; c += 1) planar[c * w * h + i] = image.data[i * 3 + c] as number;
  }
  let curW = w;
  if (outW !== w) {
    planar = pass(planar, w, h, axisTaps(w, outW), true);
    curW = outW;
  }
  if (outH !== h) planar = pass(planar, curW, h, axisTaps(h, outH), false);
  return planar;
}

/** Qwen2-VL's smart_resize: both sides multiples of `factor`, pixel count within [min, max]. */
export function smartResize(height: number, width: number, factor: number, minPixels: number, maxPixels: number): [number, number] {
  let hBar = roundHalfEven(height / factor) * factor;
  let wBar = roundHalfEven(width / factor) * factor;
  if (hBar * wBar > maxPixels) {
    const beta = Math.sqrt((height * width) / maxPixels);
    hBar = Math.max(factor, Math.floor(height / beta / factor) * factor);
    wBar = Math.max(factor, Math.floor(width / beta / factor) * factor);
  } else if (hBar * wBar < minPixels) {
    const beta = Math.sqrt(minPixels / (height * width));
    hBar = Math.ceil((height * beta) / factor) * factor;
    wBar = Math.ceil((width * beta) / factor) * factor;
  }
  return [hBar, wBar];
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * pixel_values [grid_h * grid_w, 3 * temporal * patch * patch] (float32, row-major) for one image at
 * the export's fixed size: (x - mean/rf) / (std/rf) in float32, as the fused torchvision path does.
 */
export function pixelValues(image: RgbImage, config: OnnxImageConfig): Float32Array {
  const { width, height, patch_size: p, merge_size: m, temporal_patch_size: t } = config;
  const planar = resizeBicubicAA(image, width, height);
  const scale = Math.fround(1 / config.rescale_factor);
  const mean = config.image_mean.map((v) => (config.do_rescale ? Math.fround(Math.fround(v) * scale) : Math.fround(v)));
  const std = config.image_std.map((v) => (config.do_rescale ? Math.fround(Math.fround(v) * scale) : Math.fround(v)));
  const norm = new Float32Array(planar.length);
  const plane = width * height;
  for (let c = 0; c < 3; c += 1) {
    for (let i = 0; i < plane; i += 1) {
      const x = planar[c * plane + i] as number;
      norm[c * plane + i] = config.do_normalize
        ? Math.fround(Math.fround(x - (mean[c] as number)) / (std[c] as number))
        : config.do_rescale ? Math.fround(x * Math.fround(config.rescale_factor)) : x;
    }
  }
  const gh = height / p;
  const gw = width / p;
  const dim = 3 * t * p * p;
  const out = new Float32Array(gh * gw * dim);
  let row = 0;
  // Patch order: merge blocks row-major, then the m x m patches inside a block (Qwen2-VL's patchify).
  for (let bh = 0; bh < gh / m; bh += 1) {
    for (let bw = 0; bw < gw / m; bw += 1) {
      for (let mh = 0; mh < m; mh += 1) {
        for (let mw = 0; mw < m; mw += 1) {
          const y0 = (bh * m + mh) * p;
          const x0 = (bw * m + mw) * p;
          let k = row * dim;
          for (let c = 0; c < 3; c += 1) {
            for (let tt = 0; tt < t; tt += 1) {
              for (let py = 0; py < p; py += 1) {
                const base = c * plane + (y0 + py) * width + x0;
                for (let px = 0; px < p; px += 1) out[k++] = norm[base + px] as number;
              }
            }
          }
          row += 1;
        }
      }
    }
  }
  return out;
}
