/**
 * The studio's contract from the test process itself, over the same WebSocket the renderer uses
 * (`serve`'s /ws with the printed token): for setting up state a test does not exercise through
 * the UI — e.g. starting training runs when the test is about what comes after them.
 */
import WebSocket from 'ws';
import type { CommandInput, CommandName, CommandResult } from '../../../app/contract';
import { WS_PATH, type Envelope, type ServerMessage } from '../../../app/rpc/wire';

export interface ContractSocket {
  invoke<K extends CommandName>(name: K, input: CommandInput<K>): Promise<CommandResult<K>>;
  close(): void;
}

export async function openContractSocket(studioUrl: string): Promise<ContractSocket> {
  const page = new URL(studioUrl);
  const url = new URL(WS_PATH, page.origin);
  url.protocol = 'ws:';
  const token = page.searchParams.get('token');
  if (token) url.searchParams.set('token', token);
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const pending = new Map<number, (envelope: Envelope) => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as ServerMessage;
    if (message.type !== 'result') return;
    pending.get(message.id)?.(message.envelope);
    pending.delete(message.id);
  });
  let nextId = 1;
  return {
    async invoke(name, input) {
      const id = nextId++;
      const envelope = await new Promise<Envelope>((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify({ type: 'invoke', id, name, input }));
      });
      if (!envelope.ok) throw new Error(`${name} failed: ${JSON.stringify(envelope.error)}`);
      return envelope.result as CommandResult<typeof name>;
    },
    close() {
      socket.close();
    },
  };
}
