/**
 * The transport-independent dispatcher: name + untrusted input in, an envelope out.
 * Both bindings (Electron IPC in main/, WebSocket in app/server) call `invoke` and nothing else,
 * so validation and error shaping happen exactly once, here.
 */
import type { z } from 'zod';
import { commands, isCommandName, type CommandArgs, type CommandName, type CommandResult } from '../contract';
import { StudioError, toErrorShape, type StudioErrorShape } from '../errors';

export type Envelope<R = unknown> = { ok: true; result: R } | { ok: false; error: StudioErrorShape };

export type Handler<K extends CommandName> = (args: CommandArgs<K>) => Promise<CommandResult<K>> | CommandResult<K>;
export type Handlers = { [K in CommandName]: Handler<K> };

export interface Router {
  invoke(name: unknown, input: unknown): Promise<Envelope>;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/** The name as the error shows it; never throws (String() does on a null-prototype object or an array holding one). */
function describeName(name: unknown): string {
  if (typeof name === 'string') return `"${name.slice(0, 200)}"`;
  return `of type ${name === null ? 'null' : Array.isArray(name) ? 'array' : typeof name}`;
}

export function createRouter(handlers: Handlers): Router {
  return {
    async invoke(name, input) {
      if (!isCommandName(name)) {
        return { ok: false, error: { code: 'not_found', message: `Unknown command ${describeName(name)}.`, hint: 'The UI and the studio core are different versions; restart the studio.' } };
      }
      const parsed = commands[name].input.safeParse(input ?? {});
      if (!parsed.success) {
        return { ok: false, error: new StudioError('invalid_input', `${name}: ${describeIssues(parsed.error)}`).toJSON() };
      }
      try {
        const handler = handlers[name] as (args: unknown) => unknown;
        return { ok: true, result: await handler(parsed.data) };
      } catch (error) {
        const shape = toErrorShape(error);
        if (shape.code === 'internal') console.error(`reward-studio: ${name} failed:`, error);
        return { ok: false, error: shape };
      }
    },
  };
}
