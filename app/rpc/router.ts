/**
 * The transport-independent dispatcher: name + untrusted input in, an envelope out.
 * Both bindings (Electron IPC in main/, WebSocket in app/server) call `invoke` and nothing else,
 * so validation and error shaping happen exactly once, here.
 */
import type { z } from 'zod';
import { commands, isCommandName, type CommandArgs, type CommandName, type CommandResult } from '../contract';
import { StudioError, toErrorShape, type StudioErrorShape } from '../errors';
import { OWNER, type Caller } from '../team/caller';
import { COMMAND_ROLES } from '../team/command-roles';
import type { MemberIdentity } from '../team/team';
import { roleAtLeast } from '../team/types';

export type Envelope<R = unknown> = { ok: true; result: R } | { ok: false; error: StudioErrorShape };

export type Handler<K extends CommandName> = (args: CommandArgs<K>) => Promise<CommandResult<K>> | CommandResult<K>;
export type Handlers = { [K in CommandName]: Handler<K> };

/**
 * What a command does when a team member calls it (app/studio/handlers/member-handlers.ts):
 * narrowed to their own queue and recorded under their name. A command without one runs as
 * for the owner, after the role check.
 */
export type MemberHandler<K extends CommandName> = (args: CommandArgs<K>, member: MemberIdentity) => Promise<CommandResult<K>> | CommandResult<K>;
export type MemberHandlers = { [K in CommandName]?: MemberHandler<K> };

export interface Router {
  /** `caller` defaults to the owner: the desktop app's IPC and the server's own token. */
  invoke(name: unknown, input: unknown, caller?: Caller): Promise<Envelope>;
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

function refusal(name: CommandName, caller: Caller): StudioErrorShape {
  return new StudioError(
    'forbidden',
    `${name} needs the ${COMMAND_ROLES[name]} role; you are signed in as ${caller.member?.name ?? 'the owner'} (${caller.role}).`,
    'Ask the project owner if you need it.',
  ).toJSON();
}

export function createRouter(handlers: Handlers, memberHandlers: MemberHandlers = {}): Router {
  return {
    async invoke(name, input, caller = OWNER) {
      if (!isCommandName(name)) {
        return { ok: false, error: { code: 'not_found', message: `Unknown command ${describeName(name)}.`, hint: 'The UI and the studio core are different versions; restart the studio.' } };
      }
      // The role is checked before the input is even read: a refused call learns nothing else.
      if (!roleAtLeast(caller.role, COMMAND_ROLES[name])) return { ok: false, error: refusal(name, caller) };
      const parsed = commands[name].input.safeParse(input ?? {});
      if (!parsed.success) {
        return { ok: false, error: new StudioError('invalid_input', `${name}: ${describeIssues(parsed.error)}`).toJSON() };
      }
      try {
        const scoped = caller.member === null ? undefined : (memberHandlers[name] as ((args: unknown, member: MemberIdentity) => unknown) | undefined);
        if (scoped !== undefined && caller.member !== null) return { ok: true, result: await scoped(parsed.data, caller.member) };
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
