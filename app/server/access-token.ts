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

/**
 * Every value sent under `name`. Any page on 127.0.0.1 (another port is the same cookie host) can
 * set cookies here, so a value that does not decode counts as absent rather than throwing, and a
 * planted one with a longer Path (sent first) cannot hide the real one behind it.
 */
function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key !== name) continue;
    try {
      values.push(decodeURIComponent(rest.join('=')));
    } catch {
      // Not percent-encoding we wrote: not our cookie.
    }
  }
  return values;
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
  const cookies = cookieValues(request.headers.cookie, tokenCookieName(port));
  return { ok: cookies.some((value) => sameToken(token, value)), fromQuery: false };
}

/**
 * Every secret the request presents, where it came from first: the query, the Authorization
 * header, then the cookies. The owner's token is checked with `checkAccessToken`; a team member's
 * link secret is looked up among these (app/team/team.ts `identify`).
 */
export function presentedSecrets(request: IncomingMessage, url: URL, port: number): { value: string; fromQuery: boolean }[] {
  const secrets: { value: string; fromQuery: boolean }[] = [];
  const query = url.searchParams.get('token');
  if (query) secrets.push({ value: query, fromQuery: true });
  const auth = request.headers.authorization;
  if (auth?.startsWith('token ')) secrets.push({ value: auth.slice('token '.length), fromQuery: false });
  for (const value of cookieValues(request.headers.cookie, tokenCookieName(port))) secrets.push({ value, fromQuery: false });
  return secrets;
}

export function tokenCookieHeader(token: string, port: number): string {
  return `${tokenCookieName(port)}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`;
}
