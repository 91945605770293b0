/**
 * The base model a run trains from, as the Train form names it: "@tiny" (made on first use), or a
 * local Hugging Face model folder checked before anything is written.
 */
import { StudioError } from '../errors';
import { checkModelFolder } from '../environment/model-check';
import { ensureTinyModel, TINY_MODEL_ALIAS } from '../environment/tiny-model';

export async function resolveBaseModel(python: string, value: unknown, tinyModelDir?: string): Promise<string> {
  const name = typeof value === 'string' ? value.trim() : '';
  if (name === TINY_MODEL_ALIAS) return (await ensureTinyModel(python, tinyModelDir)).path;
  if (name === '') {
    throw new StudioError('invalid_input', 'no base model is chosen (base_model_name is empty)', 'Pick a local Hugging Face model folder, or use the tiny test model.');
  }
  const check = checkModelFolder(name);
  if (!check.ok) throw new StudioError('invalid_input', `the base model at ${check.path} cannot be used: ${check.problems.join(' ')}`, 'Pick another model folder.');
  return check.path;
}
