/**
 * The contract over WebSocket: each browser tab sends `invoke` messages and receives their
 * results plus every contract event. Same router and bus as Electron's IPC binding.
 */
import type { WebSocket, WebSocketServer } from 'ws';
import type { EventBus } from '../rpc/event-bus';
import type { Router } from '../rpc/router';
import type { InvokeMessage, ServerMessage } from '../rpc/wire';

/** A slow tab must not make the server buffer without bound; it is dropped and reconnects. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

function parseInvoke(data: string): InvokeMessage | null {
  try {
    const message: unknown = JSON.parse(data);
    if (typeof message !== 'object' || message === null) return null;
    const { type, id, name } = message as Record<string, unknown>;
    if (type !== 'invoke' || typeof id !== 'number' || typeof name !== 'string') return null;
    return message as InvokeMessage;
  } catch {
    return null;
  }
}

function send(socket: WebSocket, message: ServerMessage): void {
  if (socket.readyState !== socket.OPEN) return;
  if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
    socket.close(1013, 'client too slow');
    return;
  }
  socket.send(JSON.stringify(message));
}

export function bindContractToWebSockets(wss: WebSocketServer, router: Router, bus: EventBus): () => void {
  const sockets = new Set<WebSocket>();
  const stopListening = bus.listen((name, payload) => {
    for (const socket of sockets) send(socket, { type: 'event', name, payload });
  });

  wss.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A protocol error (oversize frame, invalid UTF-8, reserved opcode, unmasked frame) is emitted
    // here; ws then closes this socket itself with the matching code. Without a listener it would
    // be an uncaught 'error' event and end the whole server.
    socket.on('error', (error) => console.warn(`reward-studio serve: closed a WebSocket that broke the protocol (${error.message}).`));
    socket.on('message', (raw, isBinary) => {
      const invoke = isBinary ? null : parseInvoke(raw.toString());
      if (!invoke) {
        socket.close(1003, 'expected a JSON invoke message');
        return;
      }
      router
        .invoke(invoke.name, invoke.input)
        .then((envelope) => send(socket, { type: 'result', id: invoke.id, envelope }))
        .catch((error: unknown) => {
          // The router shapes handler errors itself; reaching here is a bug, reported, not fatal.
          console.error(`reward-studio serve: answering ${invoke.name} failed:`, error);
          socket.close(1011, 'internal error; see the terminal running reward-studio serve');
        });
    });
  });

  return () => {
    stopListening();
    for (const socket of sockets) socket.close(1001, 'server shutting down');
  };
}
