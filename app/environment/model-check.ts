/**
 * Validates a local Hugging Face model folder for the Train view's picker without loading it:
 * config.json's model_type must be a family the worker supports, and weights must be present.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ModelCheck } from '../runs/types';

/** What workers/reward_studio/model.py loads (vision-language families and Qwen2-style text LMs). */
export const SUPPORTED_MODEL_TYPES: Readonly<Record<string, { vision: boolean }>> = {
  qwen2_vl: { vision: true },
  qwen2_5_vl: { vision: true },
  qwen3_vl: { vision: true },
  qwen2: { vision: false },
};

/** tiny-model writes this marker (workers/reward_studio/tiny_model.py). */
export const TINY_MODEL_MARKER = 'TINY_MODEL.json';

export function checkModelFolder(folder: string): ModelCheck {
  const dir = path.resolve(folder);
  const check: ModelCheck = { path: dir, ok: false, modelType: null, vision: false, hiddenSize: null, layers: null, isTinyTestModel: false, problems: [] };
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    check.problems.push(`${dir} is not a folder. Choose the folder that holds the model's config.json and weights (e.g. Qwen2-VL-2B-Instruct).`);
    return check;
  }
  const configFile = path.join(dir, 'config.json');
  const notRegular = notRegularFileProblem(configFile);
  if (notRegular !== null) {
    check.problems.push(notRegular);
    return check;
  }
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    check.problems.push(
      missing
        ? `${dir} has no config.json: it is not a Hugging Face model folder. Choose the folder that contains config.json.`
        : `${path.join(dir, 'config.json')} is not valid JSON (${(error as Error).message}). Download the model again.`,
    );
    return check;
  }
  const modelType = typeof config.model_type === 'string' ? config.model_type : null;
  check.modelType = modelType;
  const family = modelType ? SUPPORTED_MODEL_TYPES[modelType] : undefined;
  if (!family) {
    check.problems.push(
      `model_type "${modelType ?? '(none)'}" is not supported. Use a Qwen2-VL, Qwen2.5-VL or Qwen3-VL model, or a Qwen2-style text model.`,
    );
  }
  // transformers 5 nests the language model's sizes under text_config for the VL families.
  const text = (typeof config.text_config === 'object' && config.text_config !== null ? config.text_config : config) as Record<string, unknown>;
  check.hiddenSize = numberOrNull(text.hidden_size) ?? numberOrNull(config.hidden_size);
  check.layers = numberOrNull(text.num_hidden_layers) ?? numberOrNull(config.num_hidden_layers);
  check.vision = typeof config.vision_config === 'object' && config.vision_config !== null;
  if (family?.vision && !check.vision) check.problems.push(`config.json of a ${modelType} model has no vision_config. The folder looks incomplete; download it again.`);
  const files = readdirSync(dir);
  const hasWeights = files.some((file) => /\.safetensors$|^pytorch_model.*\.bin$/.test(file));
  if (!hasWeights) check.problems.push(`${dir} has no weights (*.safetensors). Download the complete model folder.`);
  const hasTokenizer = files.includes('tokenizer.json') || files.includes('vocab.json') || files.includes('tokenizer.model');
  if (!hasTokenizer) check.problems.push(`${dir} has no tokenizer files (tokenizer.json). Download the complete model folder.`);
  check.isTinyTestModel = files.includes(TINY_MODEL_MARKER);
  check.ok = check.problems.length === 0;
  return check;
}

/**
 * Why `file` cannot be read as a file, or null (also when it is missing: the read says so). The
 * check runs synchronously in the studio's process, and reading a FIFO waits for a writer: it
 * blocked the whole studio.
 */
function notRegularFileProblem(file: string): string | null {
  const info = statSync(file, { throwIfNoEntry: false });
  if (info === undefined || info.isFile()) return null;
  return `${file} is not a regular file (a folder, pipe, socket or device). Replace it with the model's real config.json.`;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
