/**
 * The acceptance test of the ONNX export: a tiny model trained briefly on the sample project, exported
 * with `export-onnx`, scores the sample's validation split in Node (onnxruntime-node) exactly as the
 * Python worker's `score` does — every response within 1e-3 — for the tiny VL model and a tiny text model.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OnnxRewardScorer } from '../../app/onnx/onnx-reward-scorer';
import { fileTempDir } from '../runs/training-fixtures';
import { exportOnnx, pythonScores, readSeedLines, sampleRun, scoreItems, trainBriefly, worker } from './onnx-fixtures';

const temp = fileTempDir('rs-onnx-accept-');
afterAll(() => temp.remove());

function maxAbsDiff(a: number[][], b: number[][]): number {
  expect(a.map((row) => row.length)).toEqual(b.map((row) => row.length));
  return Math.max(...a.flatMap((row, i) => row.map((value, j) => Math.abs(value - (b[i]?.[j] as number)))));
}

describe.each([
  { kind: 'tiny VL', textOnly: false, note: 'images at 56x56 (grid 1x4x4)' },
  { kind: 'tiny text', textOnly: true, note: 'text-only' },
])('ONNX export of the $kind model', ({ textOnly, note }) => {
  it('scores the sample validation split like the Python worker (|diff| < 1e-3)', async () => {
    const dir = path.join(temp.dir, textOnly ? 'text' : 'vl');
    const model = path.join(dir, 'tiny-model');
    worker(['tiny-model', model, ...(textOnly ? ['--text-only'] : [])]);
    const runDir = await sampleRun(dir, 24, textOnly);
    const checkpoint = await trainBriefly(runDir, model);

    const exported = exportOnnx(checkpoint, path.join(dir, 'exports', 'onnx'));
    expect(exported.note).toBe(note);
    expect(exported.verify_max_abs_diff).toBeLessThan(1e-4);
    expect(existsSync(path.join(exported.output, 'model.onnx'))).toBe(true);

    const valFile = path.join(runDir, 'data', 'val.jsonl');
    const lines = readSeedLines(valFile);
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines.every((line) => (line.image !== undefined) === !textOnly)).toBe(true);
    const expected = pythonScores(checkpoint, valFile, path.join(dir, 'python-scores.jsonl'));

    const scorer = await OnnxRewardScorer.load(exported.output, { threads: 1 });
    try {
      expect(scorer.engine).toBe('onnx');
      expect(scorer.acceptsImages).toBe(!textOnly);
      const got = await scorer.score(scoreItems(lines));
      expect(maxAbsDiff(got, expected)).toBeLessThan(1e-3);
      // The trained head does not give every response the same score (a broken input would flatten them).
      expect(new Set(got.flat().map((v) => v.toFixed(4))).size).toBeGreaterThan(2);
    } finally {
      await scorer.close();
    }
  }, 600_000);
});
