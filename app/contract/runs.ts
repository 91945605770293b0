import { z } from 'zod';
import type { MetricsBatch, RunDetail, RunEstimate, RunSummary, TrainConfigField, TrainingPreset } from '../runs/types';
import { command, event } from './define';
import { splitName } from './items';

export const runId = z.number().int().min(1);

/** What the Train view sends: the worker's config fields (validated against describe-config) plus the studio's choices. */
export const startRunInput = z.object({
  name: z.string().trim().min(1).max(80).regex(/^[\w.-]+$/, 'Use letters, digits, dots, dashes and underscores.'),
  presetId: z.string().max(100).optional(),
  config: z.record(z.string(), z.unknown()),
  splits: z.object({ train: z.array(splitName).min(1), val: z.array(splitName).default([]) }),
  /** GPU indices (CUDA_VISIBLE_DEVICES); empty = CPU. More than one launches through accelerate. */
  gpus: z.array(z.number().int().min(0)).default([]),
});

export const runCommands = {
  'runs.list': command<RunSummary[]>()(z.object({})),
  'runs.get': command<RunDetail>()(z.object({ id: runId })),
  /** The worker's options with type, default, help, unit and choices — the Train form renders from it. */
  'runs.configSchema': command<TrainConfigField[]>()(z.object({})),
  'runs.presets': command<TrainingPreset[]>()(z.object({})),
  /** `gpus` (optional, default CPU) sets the world size the steps are divided over. */
  'runs.estimate': command<RunEstimate>()(startRunInput.pick({ config: true, splits: true, gpus: true })),
  /** Freezes the labeled items of the chosen splits into a new run directory and starts (or queues) the worker. */
  'runs.start': command<RunSummary>()(startRunInput),
  /** SIGTERM (the worker checkpoints and stops), SIGKILL after a grace period; a queued run is just dequeued. */
  'runs.stop': command<RunSummary>()(z.object({ id: runId })),
  'runs.delete': command<{ deleted: number }>()(z.object({ id: runId, confirm: z.literal(true) })),
  /** Every scalar row after `afterId` (0 = from the start) for the runs asked; then follow `runs.onMetrics`. */
  'runs.metrics': command<MetricsBatch[]>()(
    z.object({ ids: z.array(runId).min(1).max(20), afterId: z.number().int().min(0).default(0), tags: z.array(z.string()).optional() }),
  ),
  'runs.log': command<{ lines: string[] }>()(z.object({ id: runId, lines: z.number().int().min(1).max(5000).default(200) })),
};

export const runEvents = {
  /** New scalar rows of a running run, batched: at most a few per second, nothing dropped. */
  'runs.onMetrics': event<MetricsBatch>(),
  /** Status, progress (step/ETA) or checkpoints of a run changed. */
  'runs.onChanged': event<RunSummary>(),
  'runs.onLog': event<{ runId: number; lines: string[] }>(),
};
