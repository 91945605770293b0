import { z } from 'zod';
import type { CheckpointInfo } from '../runs/types';
import { command, event } from './define';
import { runId } from './runs';

export const checkpointCommands = {
  /** Checkpoints of one run, or of every run when `runId` is left out. */
  'checkpoints.list': command<CheckpointInfo[]>()(z.object({ runId: runId.optional() })),
};

export const checkpointEvents = {
  'checkpoints.onAdded': event<CheckpointInfo>(),
};
