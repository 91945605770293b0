/**
 * The scoring domain's types as the Models view and the model-in-the-loop controls use them,
 * taken from the contract (the renderer imports only types from app/).
 */
import type { CommandInput, CommandResult, EventPayload } from '../../../app/contract';

export type ModelRef = CommandInput<'scoring.score'>['model'];
export type ScoreInput = CommandInput<'scoring.score'>;
export type ScoreResult = CommandResult<'scoring.score'>;
export type ServeStatus = NonNullable<CommandResult<'serving.status'>>;
export type ModelExport = CommandResult<'models.exports'>[number];
export type ModelExportFormat = ModelExport['format'];
export type ModelExportProgress = EventPayload<'models.onExportProgress'>;

/**
 * The playground's limits. The values live in app/contract/scoring.ts, which the renderer may not
 * import at runtime; `typeof import(...)` makes the type checker fail if the two ever differ.
 */
type ContractScoring = typeof import('../../../app/contract/scoring');
export const MAX_RESPONSES: ContractScoring['MAX_RESPONSES'] = 16;
export const MAX_TEXT_CHARS: ContractScoring['MAX_TEXT_CHARS'] = 200_000;
export const MAX_IMAGE_BASE64_CHARS: ContractScoring['MAX_IMAGE_BASE64_CHARS'] = 23_000_000;

/** A model as a `<select>` value: `checkpoint:12` or `export:run-a-step-60-onnx`. */
export type ModelKey = `checkpoint:${number}` | `export:${string}`;

export function modelKey(ref: ModelRef): ModelKey {
  return ref.kind === 'checkpoint' ? `checkpoint:${ref.checkpointId}` : `export:${ref.exportId}`;
}

export function parseModelKey(key: string): ModelRef | null {
  const checkpoint = /^checkpoint:(\d+)$/.exec(key);
  if (checkpoint?.[1]) {
    const checkpointId = Number(checkpoint[1]);
    return checkpointId >= 1 ? { kind: 'checkpoint', checkpointId } : null;
  }
  const exported = /^export:([\w.-]+)$/.exec(key);
  return exported?.[1] ? { kind: 'export', exportId: exported[1] } : null;
}
