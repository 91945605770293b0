/**
 * Like Jupyter: `serve` makes a random token per launch and prints it in the URL. Every HTTP
 * request and WebSocket must carry it — in the query (`?token=`), an `Authorization: token …`
 * header, or the cookie the server sets once a page was opened with the token — because anyone
 * who can reach the port could otherwise read and change the project.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_COOKIE } from '../rpc/wire';

export function newAccessToken(): string {
  return randomBytes(24).toString('base64url');
}

export function tokenCookieName(port: number): string {
  // Per port, so two studios on one machine do not overwrite each other's cookie.
  return `${TOKEN_COOKIE}_${port}`;
}

function sameToken(expected: string, given: string | undefined | null): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

export interface TokenCheck {
  ok: boolean;
  /** True when the token came in the URL: the response should then set the cookie. */
  fromQuery: boolean;
}

export function checkAccessToken(request: IncomingMessage, url: URL, token: string, port: number): TokenCheck {
  if (sameToken(token, url.searchParams.get('token'))) return { ok: true, fromQuery: true };
  const auth = request.headers.authorization;
  if (auth?.startsWith('token ') && sameToken(token, auth.slice('token '.length))) return { ok: true, fromQuery: false };
  return { ok: sameToken(token, cookieValue(request.headers.cookie, tokenCookieName(port))), fromQuery: false };
}

export function tokenCookieHeader(token: string, port: number): string {
  return `${tokenCookieName(port)}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`;
}
