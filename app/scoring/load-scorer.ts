/**
 * Loads a resolved model with its engine: the Python worker for checkpoints and merged exports,
 * onnxruntime-node for ONNX exports.
 */
import { OnnxRewardScorer } from '../onnx/onnx-reward-scorer';
import type { ResolvedModel } from './model-resolver';
import { PythonRewardScorer } from './python-scorer';
import type { RewardScorer } from './reward-scorer';

export interface LoadScorerOptions {
  python: string;
  /** Test knob and large-model escape hatch; see PythonScorerOptions.readyTimeoutMs. */
  readyTimeoutMs?: number;
  /** Aborting stops a load in progress (see PythonScorerOptions.signal). */
  signal?: AbortSignal;
  /** Padded tokens per forward pass of the Python worker (its --max_batch_tokens); its default when absent. */
  maxBatchTokens?: number;
}

export async function loadScorer(model: ResolvedModel, options: LoadScorerOptions): Promise<RewardScorer> {
  if (model.engine === 'python') {
    return PythonRewardScorer.start({ python: options.python, modelPath: model.path, label: model.label, readyTimeoutMs: options.readyTimeoutMs, signal: options.signal, maxBatchTokens: options.maxBatchTokens });
  }
  return OnnxRewardScorer.load(model.path, { label: model.label });
}
