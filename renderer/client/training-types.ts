/**
 * The training domain's types, taken from the contract's command results and event payloads.
 * The renderer may import only app/contract (and the wire types) from app/ — tests/architecture
 * checks it — so these are derived rather than imported from app/training/types.
 */
import type { CommandInput, CommandResult, EventPayload } from '../../app/contract';

export type RunSummary = CommandResult<'runs.list'>[number];
export type RunStatus = RunSummary['status'];
export type RunDetail = CommandResult<'runs.get'>;
export type TrainConfigField = CommandResult<'runs.configSchema'>[number];
export type TrainingPreset = CommandResult<'runs.presets'>[number];
export type RunEstimate = CommandResult<'runs.estimate'>;
export type StartRunInput = CommandInput<'runs.start'>;
export type MetricsBatch = EventPayload<'runs.onMetrics'>;
export type MetricRow = MetricsBatch['rows'][number];
export type CheckpointInfo = EventPayload<'checkpoints.onAdded'>;
export type TrainingEnvironment = CommandResult<'environment.training'>;
export type GpuInfo = TrainingEnvironment['gpus'][number];
export type ModelCheck = CommandResult<'environment.checkModel'>;
export type SplitName = StartRunInput['splits']['train'][number];

/** Runs whose worker may still write rows. */
export function isActiveStatus(status: RunStatus): boolean {
  return status === 'queued' || status === 'starting' || status === 'running';
}
