/**
 * The one typed client the renderer uses. Names, inputs, results and event payloads all come from
 * app/contract, so a renamed command or a changed result type breaks the UI's type check, not a
 * person's afternoon. Only types are imported from the contract: the core validates inputs at its
 * boundary, and the renderer bundle stays free of the handler table.
 */
import { StudioClientError } from './studio-client-error';
import type { ConnectionStatus, Transport } from './transport';
import { DisconnectedError } from './disconnected-error';
import type { CommandInput, CommandName, CommandResult, Envelope, EventName, EventPayload, StudioErrorShape } from './contract-types';

type AnyListener = (payload: unknown) => void;

function isErrorShape(value: unknown): value is StudioErrorShape {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}

function transportFailure(name: string, error: unknown): StudioClientError {
  if (error instanceof DisconnectedError) {
    return new StudioClientError(name, {
      code: 'disconnected',
      message: error.message,
      hint: 'The studio server stopped or the network dropped. Try again once the banner at the top is gone.',
    });
  }
  return new StudioClientError(name, {
    code: 'internal',
    message: error instanceof Error ? error.message : String(error),
    hint: 'The connection to the studio core failed; restart the studio if this keeps happening.',
  });
}

export class StudioClient {
  private readonly listeners = new Map<string, Set<AnyListener>>();
  private readonly unsubscribeTransport: () => void;

  constructor(private readonly transport: Transport) {
    this.unsubscribeTransport = transport.subscribe((name, payload) => this.dispatch(name, payload));
  }

  get transportKind(): Transport['kind'] {
    return this.transport.kind;
  }

  async invoke<K extends CommandName>(name: K, input: CommandInput<K>): Promise<CommandResult<K>> {
    let envelope: Envelope;
    try {
      envelope = await this.transport.invoke(name, input);
    } catch (error) {
      throw transportFailure(name, error);
    }
    if (envelope.ok) return envelope.result as CommandResult<K>;
    const shape: StudioErrorShape = isErrorShape(envelope.error)
      ? envelope.error
      : { code: 'internal', message: `${name} failed without an error message.` };
    throw StudioClientError.fromShape(name, shape);
  }

  on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    const wrapped = listener as AnyListener;
    set.add(wrapped);
    return () => {
      set.delete(wrapped);
    };
  }

  onConnection(listener: (status: ConnectionStatus) => void): () => void {
    return this.transport.onStatus(listener);
  }

  mediaUrl(projectRelativePath: string): string {
    return this.transport.mediaUrl(projectRelativePath);
  }

  close(): void {
    this.unsubscribeTransport();
    this.transport.close();
    this.listeners.clear();
  }

  private dispatch(name: string, payload: unknown): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const listener of [...set]) {
      // One broken view must not stop the others from hearing the event.
      try {
        listener(payload);
      } catch (error) {
        console.error(`reward-studio: a listener for ${name} failed:`, error);
      }
    }
  }
}
