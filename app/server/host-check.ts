/**
 * Who may talk to a local server, by the names in the request — shared by `reward-studio serve`
 * and `serve-model`.
 *
 * DNS rebinding: a page on evil.example can make its own name resolve to 127.0.0.1, and the
 * browser then lets that page read whatever a loopback server answers (same origin, as far as the
 * browser knows). The page cannot change the Host header, which still says evil.example. So a
 * server bound to loopback answers only requests addressed to a loopback name; a server bound to
 * another address was meant to be reached by other names, and accepts any Host.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { IncomingMessage } from 'node:http';

/** True for names of this machine only: localhost, 127.0.0.0/8, ::1 (as bound or as in a Host header, unbracketed). */
export function isLoopback(host: string): boolean {
  const name = host.toLowerCase();
  if (name === 'localhost') return true;
  if (isIPv4(name)) return name.startsWith('127.');
  return isIPv6(name) && /^(0{0,4}:){2,7}0{0,3}1$|^::1$/.test(name);
}

/** The host name of a Host header (`name`, `name:port`, `[v6]:port`), or null when it is none of those. */
export function hostHeaderName(header: string): string | null {
  const bracketed = /^\[([0-9a-fA-F:.]+)\](?::\d{1,5})?$/.exec(header);
  if (bracketed) return bracketed[1] as string;
  const plain = /^([^:[\]\s]+)(?::\d{1,5})?$/.exec(header);
  return plain ? (plain[1] as string) : null;
}

export interface HostRefusal {
  message: string;
  hint: string;
}

/**
 * Null when the request may be answered. A request without Host is not from a browser (every
 * browser sends one), so it cannot be a rebinding page; it passes.
 */
export function checkHostHeader(request: IncomingMessage, boundHost: string): HostRefusal | null {
  if (!isLoopback(boundHost)) return null;
  const header = request.headers.host;
  if (header === undefined) return null;
  const name = hostHeaderName(header);
  if (name !== null && isLoopback(name)) return null;
  return {
    message: `Refused a request addressed to "${header.slice(0, 200)}": this server is bound to ${boundHost} and answers only requests for this machine (a page that renamed itself to a local address could otherwise read it).`,
    hint: 'Open it as http://127.0.0.1:PORT or http://localhost:PORT. To reach it under another name, start it with --host 0.0.0.0 (and protect it: a token or --api-key).',
  };
}

/**
 * Browsers always send Origin on WebSocket upgrades and on cross-site POSTs; a foreign page must
 * not drive the studio. Requests without Origin (curl, tests) are not from a page.
 */
export function sameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
