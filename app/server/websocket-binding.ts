/**
 * The contract over WebSocket: each browser tab sends `invoke` messages and receives their
 * results plus the contract events its caller may see. Same router and bus as Electron's IPC
 * binding; who the tab is (owner or team member) was decided when its upgrade was accepted.
 */
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import type { EventBus } from '../rpc/event-bus';
import type { Router } from '../rpc/router';
import type { InvokeMessage, ServerMessage } from '../rpc/wire';
import { MEMBER_REVOKED_CLOSE } from '../rpc/wire';
import { OWNER, type Caller } from '../team/caller';
import { EVENT_ROLES } from '../team/command-roles';
import { roleAtLeast } from '../team/types';

/** A slow tab must not make the server buffer without bound; it is dropped and reconnects. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

const REVOKED_REASON = 'your link was revoked or has expired';

export interface SocketAccess {
  /** The caller the server accepted this upgrade for (null: the owner, for bindings without teams). */
  callerOf(request: IncomingMessage): Caller | null;
  /** The caller as it stands now (a member revoked or expired since is null). */
  verify(caller: Caller): Caller | null;
}

const OWNER_ONLY: SocketAccess = { callerOf: () => OWNER, verify: (caller) => caller };

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

export function bindContractToWebSockets(wss: WebSocketServer, router: Router, bus: EventBus, access: SocketAccess = OWNER_ONLY): () => void {
  const sockets = new Map<WebSocket, Caller>();

  /** A member whose link stopped working is closed at once, with a code the page shows as such. */
  const stillAllowed = (socket: WebSocket, caller: Caller): Caller | null => {
    const live = access.verify(caller);
    if (live === null) socket.close(MEMBER_REVOKED_CLOSE, REVOKED_REASON);
    return live;
  };

  const stopListening = bus.listen((name, payload) => {
    for (const [socket, caller] of sockets) {
      if (roleAtLeast(caller.role, EVENT_ROLES[name])) send(socket, { type: 'event', name, payload });
    }
    // A revoke announces itself as a change of members: check every member's connection now.
    if (name === 'team.onChanged') {
      for (const [socket, caller] of sockets) if (caller.member !== null) stillAllowed(socket, caller);
    }
  });

  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const caller = access.callerOf(request) ?? OWNER;
    sockets.set(socket, caller);
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
      const current = caller.member === null ? caller : stillAllowed(socket, caller);
      if (current === null) return;
      sockets.set(socket, current);
      router
        .invoke(invoke.name, invoke.input, current)
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
    for (const socket of sockets.keys()) socket.close(1001, 'server shutting down');
  };
}
