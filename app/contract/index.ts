/**
 * The whole contract between the UI and the studio core: every command and event, by domain.
 * Electron's IPC binding (main/) and the WebSocket server (app/server) mount the same handler
 * table against these names; the renderer's StudioClient is typed from them.
 */
import type { z } from 'zod';
import type { CommandDef, EventDef } from './define';
import { datasetCommands, datasetEvents } from './dataset';
import { checkpointCommands, checkpointEvents } from './checkpoints';
import { environmentCommands, environmentEvents } from './environment';
import { evaluationCommands, evaluationEvents } from './evaluations';
import { runCommands, runEvents } from './runs';
import { itemCommands } from './items';
import { judgmentCommands, judgmentEvents } from './judgments';
import { projectCommands, projectEvents } from './projects';
import { modelCommands, modelEvents } from './models';
import { scoringCommands } from './scoring';
import { servingCommands, servingEvents } from './serving';
import { teamCommands, teamEvents } from './team';

export const commands = {
  ...projectCommands,
  ...itemCommands,
  ...judgmentCommands,
  ...datasetCommands,
  ...runCommands,
  ...checkpointCommands,
  ...environmentCommands,
  ...evaluationCommands,
  ...scoringCommands,
  ...servingCommands,
  ...modelCommands,
  ...teamCommands,
} as const;

export const events = {
  ...projectEvents,
  ...judgmentEvents,
  ...datasetEvents,
  ...runEvents,
  ...checkpointEvents,
  ...environmentEvents,
  ...evaluationEvents,
  ...servingEvents,
  ...modelEvents,
  ...teamEvents,
} as const;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
/** What a caller passes (defaults still optional). */
export type CommandInput<K extends CommandName> = z.input<Commands[K]['input']>;
/** What a handler receives, after validation filled in the defaults. */
export type CommandArgs<K extends CommandName> = z.output<Commands[K]['input']>;
export type CommandResult<K extends CommandName> = Commands[K] extends CommandDef<z.ZodType, infer R> ? R : never;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<K extends EventName> = Events[K] extends EventDef<infer P> ? P : never;

export const commandNames = Object.keys(commands) as CommandName[];
export const eventNames = Object.keys(events) as EventName[];

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.hasOwn(commands, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

export type { EnvironmentInfo, StudioSettings } from './environment';
