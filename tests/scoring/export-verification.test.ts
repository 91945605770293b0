/**
 * An export is kept only when it reproduces its checkpoint: the worker reloads it (merged) or runs
 * it in onnxruntime (ONNX) and reports the largest reward difference on its probe batch.
 */
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../app/errors';
import { checkVerification, EXPORT_VERIFY_TOLERANCE } from '../../app/scoring/model-exports';

describe('export verification', () => {
  it('accepts float-reordering differences and a worker run without verification', () => {
    expect(() => checkVerification(0, 'merged', 'run step 8')).not.toThrow();
    expect(() => checkVerification(3e-6, 'onnx', 'run step 8')).not.toThrow();
    expect(() => checkVerification(EXPORT_VERIFY_TOLERANCE, 'onnx', 'run step 8')).not.toThrow();
    expect(() => checkVerification(undefined, 'merged', 'run step 8')).not.toThrow();
  });

  it('refuses an export that scores differently, saying by how much and what to do', () => {
    const refuse = (format: 'merged' | 'onnx') => {
      try {
        checkVerification(0.25, format, 'colour step 40');
      } catch (error) {
        return error as StudioError;
      }
      throw new Error('expected a refusal');
    };
    const onnx = refuse('onnx');
    expect(onnx).toBeInstanceOf(StudioError);
    expect(onnx.message).toContain('colour step 40');
    expect(onnx.message).toContain('0.250');
    expect(onnx.hint).toMatch(/Python worker/);
    expect(refuse('merged').hint).toMatch(/base_model_name/);
  });
});
