/** The models a person can score or serve with, as the pickers list them: checkpoints by run, then exports. */
import { formatBytes } from '../../components/format';
import { modelKey, type ModelKey } from './model-types';
import type { CheckpointInfo, ModelExport, RunSummary } from '../../client/contract-types';

export interface ModelOption {
  key: ModelKey;
  label: string;
}

export interface ModelOptionGroup {
  label: string;
  options: ModelOption[];
}

export function checkpointLabel(runName: string, step: number, best: boolean): string {
  return `${runName} · step ${step.toLocaleString()}${best ? ' (best)' : ''}`;
}

export function exportLabel(item: ModelExport): string {
  const format = item.format === 'onnx' ? 'ONNX' : 'merged';
  return `${item.id} · ${format} · ${formatBytes(item.sizeBytes)}`;
}

/**
 * Newest run first, newest checkpoint first within it (what a person most likely wants to try);
 * runs without a checkpoint are left out.
 */
export function modelOptionGroups(runs: readonly RunSummary[], checkpoints: readonly CheckpointInfo[], exports: readonly ModelExport[]): ModelOptionGroup[] {
  const groups: ModelOptionGroup[] = [];
  const byRun = new Map<number, CheckpointInfo[]>();
  for (const checkpoint of checkpoints) {
    const list = byRun.get(checkpoint.runId) ?? [];
    list.push(checkpoint);
    byRun.set(checkpoint.runId, list);
  }
  const runOrder = [...byRun.keys()].sort((a, b) => b - a);
  for (const runId of runOrder) {
    const name = runs.find((run) => run.id === runId)?.name ?? `run ${runId}`;
    const list = [...(byRun.get(runId) ?? [])].sort((a, b) => b.step - a.step || b.id - a.id);
    groups.push({
      label: name,
      options: list.map((checkpoint) => ({ key: modelKey({ kind: 'checkpoint', checkpointId: checkpoint.id }), label: checkpointLabel(name, checkpoint.step, checkpoint.isBest) })),
    });
  }
  if (exports.length > 0) {
    groups.push({ label: 'Exports', options: exports.map((item) => ({ key: modelKey({ kind: 'export', exportId: item.id }), label: exportLabel(item) })) });
  }
  return groups;
}

/** The most recently saved checkpoint (highest id: ids grow as the worker saves them). */
export function newestCheckpoint(checkpoints: readonly CheckpointInfo[]): CheckpointInfo | null {
  let newest: CheckpointInfo | null = null;
  for (const checkpoint of checkpoints) if (!newest || checkpoint.id > newest.id) newest = checkpoint;
  return newest;
}

export function hasOption(groups: readonly ModelOptionGroup[], key: ModelKey | null): boolean {
  return key !== null && groups.some((group) => group.options.some((option) => option.key === key));
}
