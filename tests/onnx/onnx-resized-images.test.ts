/**
 * Issue #13 item 7, "Exports that say when they differ": a VL ONNX export takes images at one fixed
 * grid (56×56 for the tiny model), the checkpoint at each image's own smart_resize size. A 320×240
 * image is stretched to the grid, so its ONNX scores are not the checkpoint's even though the probe at
 * the grid matches to ~1e-7. The export now measures that difference per resolution on real images
 * (verify_resolutions) and the scorer flags every resized image.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { resizeNotice } from '../../app/onnx/image-resize-notice';
import { OnnxRewardScorer } from '../../app/onnx/onnx-reward-scorer';
import { fileTempDir } from '../runs/training-fixtures';
import { pythonScores, sampleRun, trainBriefly, worker } from './onnx-fixtures';

const temp = fileTempDir('rs-onnx-resized-');
afterAll(() => temp.remove());

/** A deterministic picture: a red disc left of centre on a gradient, at width × height. */
async function picture(file: string, width: number, height: number): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const inDisc = (x - width * 0.35) ** 2 + (y - height * 0.5) ** 2 < (Math.min(width, height) * 0.3) ** 2;
      const i = (y * width + x) * 3;
      data[i] = inDisc ? 220 : Math.round((255 * x) / width);
      data[i + 1] = inDisc ? 30 : Math.round((255 * y) / height);
      data[i + 2] = inDisc ? 40 : 120;
    }
  }
  const png = await sharp(data, { raw: { width, height, channels: 3 } }).png().toBuffer();
  writeFileSync(file, png);
  return png;
}

interface Resolution {
  width: number;
  height: number;
  images: number;
  max_abs_diff: number;
  resized: boolean;
}

describe('ONNX export of the tiny VL model on an image that is not at its grid', () => {
  it('records the per-resolution difference at export and flags the resized image when scoring', async () => {
    const dir = temp.dir;
    const model = path.join(dir, 'tiny-model');
    worker(['tiny-model', model]);
    const runDir = await sampleRun(dir, 8, false);
    const checkpoint = await trainBriefly(runDir, model);

    const wide = path.join(dir, 'wide-320x240.png');
    const square = path.join(dir, 'square-56x56.png');
    const wideBytes = await picture(wide, 320, 240);
    const squareBytes = await picture(square, 56, 56);

    const out = worker(['export-onnx', '--checkpoint', checkpoint, '--out', path.join(dir, 'onnx'), '--verify-image', wide, '--verify-image', square]);
    const exported = JSON.parse(out.trim().split('\n').pop() as string) as { output: string; verify_max_abs_diff: number; verify_resolutions: Resolution[] };
    expect(exported.verify_max_abs_diff).toBeLessThan(1e-4);
    const bySize = new Map(exported.verify_resolutions.map((r) => [`${r.width}x${r.height}`, r]));
    const atWide = bySize.get('320x240') as Resolution;
    const atGrid = bySize.get('56x56') as Resolution;
    expect(atGrid).toMatchObject({ images: 1, resized: false });
    expect(atGrid.max_abs_diff).toBeLessThan(1e-3);
    expect(atWide).toMatchObject({ images: 1, resized: true });
    // The measured difference at the real size, not the grid's 1e-7 (printed for the report).
    console.log(`max |diff| probe at grid: ${exported.verify_max_abs_diff.toExponential(2)}; 56x56 image: ${atGrid.max_abs_diff.toExponential(2)}; 320x240 image: ${atWide.max_abs_diff.toExponential(2)}`);
    expect(atWide.max_abs_diff).toBeGreaterThan(1e-3);
    expect(atWide.max_abs_diff).toBeGreaterThan(10 * atGrid.max_abs_diff);

    // The checkpoint (Python worker, native resolution) on both images, the probe's responses.
    const responses = ['It is red.', 'It is blue, I think — maybe.', 'Red!\nDefinitely red.'];
    const query = 'What colour is the shape? Answer briefly.';
    const data = path.join(dir, 'two.jsonl');
    writeFileSync(data, [wide, square].map((image, i) => `${JSON.stringify({ id: `i${i}`, query, image, response: responses, human_ranking: [0, 1, 1] })}\n`).join(''));
    const [pyWide, pySquare] = pythonScores(checkpoint, data, path.join(dir, 'py.jsonl')) as [number[], number[]];

    const scorer = await OnnxRewardScorer.load(exported.output, { threads: 1 });
    try {
      const { scores, resized } = await scorer.scoreWithResizes([
        { query, responses, image: wideBytes },
        { query, responses, image: squareBytes },
      ]);
      const [onnxWide, onnxSquare] = scores as [number[], number[]];
      const diff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))));
      console.log(`320x240: checkpoint ${pyWide.map((v) => v.toFixed(4)).join(' / ')}, ONNX ${onnxWide.map((v) => v.toFixed(4)).join(' / ')}`);
      // At the grid the export is the checkpoint; at 320×240 it differs by what the export recorded.
      expect(diff(onnxSquare, pySquare)).toBeLessThan(1e-3);
      expect(Math.abs(diff(onnxWide, pyWide) - atWide.max_abs_diff)).toBeLessThan(1e-3);
      expect(resized).toEqual([{ from: { width: 320, height: 240 }, to: { width: 56, height: 56 } }, null]);
      expect(resizeNotice(resized)).toBe(
        "image resized from 320×240 to the export's 56×56 grid: scores differ from the checkpoint's; score with the checkpoint for exact scores",
      );
    } finally {
      await scorer.close();
    }
  }, 600_000);
});
