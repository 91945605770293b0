/**
 * onnx_config.json, written by the worker's `export-onnx` (workers/reward_studio/onnx_export.py):
 * what the graph takes and everything needed to rebuild the Python worker's inputs in Node.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { StudioError } from '../errors';

export const ONNX_CONFIG_FILE = 'onnx_config.json';
export const ONNX_FORMAT = 'reward-studio-onnx';
export const ONNX_FORMAT_VERSION = 1;

const promptSide = z.object({ before: z.string(), after: z.string() });

const imageConfig = z.object({
  height: z.number().int().positive(),
  width: z.number().int().positive(),
  grid_thw: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
  image_tokens: z.number().int().positive(),
  patch_size: z.number().int().positive(),
  temporal_patch_size: z.number().int().positive(),
  merge_size: z.number().int().positive(),
  patch_dim: z.number().int().positive(),
  resample: z.number().int(),
  do_rescale: z.boolean(),
  rescale_factor: z.number(),
  do_normalize: z.boolean(),
  image_mean: z.array(z.number()).length(3),
  image_std: z.array(z.number()).length(3),
  min_pixels: z.number().int(),
  max_pixels: z.number().int(),
  backend: z.string(),
});

const probePart = z.union([z.object({ type: z.literal('text'), text: z.string() }), z.object({ type: z.literal('image') })]);

/**
 * The chat template as per-role pieces (workers/reward_studio/onnx_conversation.py): a conversation of
 * `roles` ending with one of `last_roles` renders as start[first] + content + between[a][b] + ... + end[last],
 * an image part as `image_part`. A missing piece is a role order the template refuses.
 */
const conversationLayout = z.object({
  roles: z.array(z.string()),
  last_roles: z.array(z.string()),
  start: z.record(z.string(), z.string()),
  between: z.record(z.string(), z.record(z.string(), z.string())),
  end: z.record(z.string(), z.string()),
  image_part: z.string().optional(),
  probe: z.object({
    messages: z.array(z.object({ role: z.string(), content: z.union([z.string(), z.array(probePart)]) })),
    prefix_ids: z.array(z.number().int()),
  }),
});

const onnxConfig = z.object({
  format: z.literal(ONNX_FORMAT),
  format_version: z.number().int(),
  model_file: z.string(),
  is_vl: z.boolean(),
  model_type: z.string(),
  score_min: z.number(),
  score_max: z.number(),
  max_length: z.number().int().positive(),
  pad_id: z.number().int().min(0),
  end_text: z.string(),
  query_sentinel: z.string(),
  prompt: z.object({ no_image: promptSide, one_image: promptSide.optional() }),
  /** Absent in exports made before conversations; null when the model's template does not decompose. */
  conversation: conversationLayout.nullable().optional(),
  tokenizer_file: z.string(),
  probe: z.object({
    query: z.string(),
    responses: z.array(z.string()),
    prefix_ids: z.array(z.number().int()),
    response_ids: z.array(z.array(z.number().int())),
  }),
  image: imageConfig.optional(),
  image_token_id: z.number().int().optional(),
  image_pad_text: z.string().optional(),
  spatial_merge_size: z.number().int().optional(),
});

export type OnnxImageConfig = z.infer<typeof imageConfig>;
export type OnnxConversationLayout = z.infer<typeof conversationLayout>;
export type OnnxConfig = z.infer<typeof onnxConfig>;

/** Reads and checks an export folder's config; says plainly when the folder is not an ONNX export. */
export function readOnnxConfig(exportDir: string): OnnxConfig {
  const file = path.join(exportDir, ONNX_CONFIG_FILE);
  if (!existsSync(file)) {
    throw new StudioError(
      'not_found',
      `${exportDir} is not an ONNX export (no ${ONNX_CONFIG_FILE})`,
      'Export the checkpoint as ONNX first (python -m reward_studio export-onnx --checkpoint CKPT --out DIR, or Export → ONNX in the studio), or score this folder with the Python worker.',
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new StudioError('bad_file', `${file} is not valid JSON: ${(error as Error).message}`, 'Export the model again.');
  }
  const parsed = onnxConfig.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StudioError('bad_file', `${file} is not a Reward Studio ONNX config: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(), 'Export the model again with this version of the studio.');
  }
  const config = parsed.data;
  if (config.format_version > ONNX_FORMAT_VERSION) {
    throw new StudioError('bad_file', `${file} has format version ${config.format_version}; this studio reads up to ${ONNX_FORMAT_VERSION}`, 'Update Reward Studio, or export the model again with this version.');
  }
  if (config.is_vl && (!config.image || config.image_token_id === undefined || !config.prompt.one_image || config.spatial_merge_size === undefined)) {
    throw new StudioError('bad_file', `${file} describes a vision-language export without its image settings`, 'Export the model again.');
  }
  for (const name of [config.model_file, config.tokenizer_file]) {
    if (!existsSync(path.join(exportDir, name))) {
      throw new StudioError('bad_file', `${exportDir} is missing ${name}`, 'The export is incomplete; export the model again.');
    }
  }
  return config;
}
