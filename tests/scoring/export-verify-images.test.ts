/** The project images an ONNX export is checked on, and the per-resolution figures its metadata keeps. */
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { EXPORT_META_FILE, exportsDir } from '../../app/scoring/model-resolver';
import { listExports, projectVerifyImages } from '../../app/scoring/model-exports';
import { fileTempDir, makeLabeledProject } from '../runs/training-fixtures';

const temp = fileTempDir('rs-export-verify-');
afterAll(() => temp.remove());

describe('projectVerifyImages', () => {
  it('picks one existing image per size, at most three', async () => {
    const store = await makeLabeledProject(temp.dir, 8);
    try {
      const files = projectVerifyImages(store.db, store.dir);
      expect(files.length).toBeGreaterThan(0);
      expect(files.length).toBeLessThanOrEqual(3);
      const sizes = await Promise.all(files.map(async (file) => {
        expect(existsSync(file)).toBe(true);
        const meta = await sharp(file).metadata();
        return `${meta.width}x${meta.height}`;
      }));
      expect(new Set(sizes).size).toBe(files.length);
      expect(projectVerifyImages(store.db, store.dir, 1)).toHaveLength(1);
    } finally {
      store.close();
    }
  });
});

describe('an ONNX export listed with its per-resolution check', () => {
  it('reads verifyResolutions from studio_export.json and leaves malformed entries out', () => {
    const projectDir = path.join(temp.dir, 'listed');
    const dir = path.join(exportsDir(projectDir), 'run_step-1_onnx');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, EXPORT_META_FILE), JSON.stringify({
      format: 'onnx', checkpointId: 1, runName: 'run', step: 1, createdAt: '2026-01-01T00:00:00Z', verifyMaxAbsDiff: 4.8e-7, note: 'images at 56x56 (grid 1x4x4)',
      verifyResolutions: [
        { width: 56, height: 56, images: 1, maxAbsDiff: 3e-7, resized: false },
        { width: 320, height: 240, images: 2, maxAbsDiff: 2.1, resized: true },
        { width: 'x', height: 1, maxAbsDiff: 1 },
      ],
    }));
    const [listed] = listExports(projectDir);
    expect(listed?.verifyResolutions).toEqual([
      { width: 56, height: 56, images: 1, maxAbsDiff: 3e-7, resized: false },
      { width: 320, height: 240, images: 2, maxAbsDiff: 2.1, resized: true },
    ]);
  });
});
