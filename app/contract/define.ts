/**
 * The building blocks of the studio's contract: a command is a name, a zod schema for its input
 * and a result type; an event is a name and a payload type. Result and payload types exist only
 * at compile time (phantom fields); inputs are validated at runtime at every boundary, because
 * they arrive from another process (IPC) or another machine (WebSocket).
 */
import type { z } from 'zod';

export interface CommandDef<I extends z.ZodType = z.ZodType, R = unknown> {
  readonly input: I;
  /** Phantom: never set, carries the result type. */
  readonly result?: R;
}

export interface EventDef<P = unknown> {
  /** Phantom: never set, carries the payload type. */
  readonly payload?: P;
}

/** `command<Result>()(inputSchema)`: curried so the result type is explicit and the input inferred. */
export function command<R>() {
  return <I extends z.ZodType>(input: I): CommandDef<I, R> => ({ input });
}

export function event<P>(): EventDef<P> {
  return {};
}
