/**
 * Naming a model in the Models view and the model-in-the-loop controls: a checkpoint or an export
 * as one `<select>` value. The types (and the playground's limits) come from
 * renderer/client/contract-types.ts.
 */
import type { ModelRef } from '../../client/contract-types';

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
