/** Models: exports of a checkpoint (merged Hugging Face folder, ONNX) under `<project>/exports/`. */
import { z } from 'zod';
import type { ModelExport, ModelExportProgress } from '../scoring/types';
import { command, event } from './define';

export const modelCommands = {
  /** Exports of the open project (`<project>/exports/`), newest first. */
  'models.exports': command<ModelExport[]>()(z.object({})),
  /** Merges LoRA into a standalone Hugging Face folder, or writes an ONNX export; verified by reloading. */
  'models.export': command<ModelExport>()(
    z.object({ checkpointId: z.number().int().min(1), format: z.enum(['merged', 'onnx']) }),
  ),
  'models.deleteExport': command<{ deleted: number }>()(
    z.object({ id: z.string().min(1).max(200).regex(/^[\w.-]+$/), confirm: z.literal(true) }),
  ),
};

export const modelEvents = {
  'models.onExportProgress': event<ModelExportProgress>(),
};
