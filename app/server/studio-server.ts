/**
 * `reward-studio serve`: the built renderer over HTTP, project media under /files/, and the
 * contract over a WebSocket — all behind the per-launch token. The browser UI is the same
 * renderer that runs inside Electron; only the transport differs.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer } from 'ws';
import yazl from 'yazl';
import type { EventBus } from '../rpc/event-bus';
import type { Router } from '../rpc/router';
import { projectFileHeaders, type ProjectFileLookup } from '../studio/project-files';
import type { DownloadContent } from '../studio/export-downloads';
import { DOWNLOAD_PATH, FILES_PATH, WS_PATH } from '../rpc/wire';
import { OWNER, memberCaller, type Caller } from '../team/caller';
import type { MemberIdentity } from '../team/team';
import { checkAccessToken, newAccessToken, presentedSecrets, tokenCookieHeader } from './access-token';
import { resolveInside } from './confined-path';
import { contentTypeFor } from './content-types';
import { checkHostHeader, sameOrigin } from './host-check';
import { BAD_TARGET_HINT, BAD_TARGET_MESSAGE, parseRequestTarget } from './request-target';
import type { ZipLimits } from './unzip-upload';
import { DEFAULT_MAX_UPLOAD_BYTES, handleUpload, UPLOAD_PATH } from './upload';
import { bindContractToWebSockets } from './websocket-binding';

export interface StudioServerOptions {
  router: Router;
  events: EventBus;
  /** Resolves /files/<path> in the open project, asked on every request (switching needs no restart). */
  projectFile: (relPath: string) => Promise<ProjectFileLookup>;
  /** Folder holding the built renderer (index.html + assets). */
  rendererDir: string;
  host?: string;
  port?: number;
  token?: string;
  /**
   * Where `POST /upload` puts files: the open project's upload folder, or null when none is open.
   * Without it the server accepts no uploads.
   */
  uploadDir?: () => string | null;
  /** What `GET /download/<id>` sends (an export of this session); without it nothing is downloadable. */
  download?: (id: string) => Promise<DownloadContent | null>;
  /** Largest accepted upload in bytes (default 4 GiB). */
  maxUploadBytes?: number;
  /** Limits for unpacking uploaded `.zip` files (entries, bytes, ratio); unset ones default. */
  zipLimits?: Partial<ZipLimits>;
  /**
   * Team members' links (app/team): who a link secret belongs to while it works, and the same
   * member checked again (on every WebSocket message). Without it only the server token opens.
   */
  members?: TeamAccess;
}

export interface TeamAccess {
  identify(secret: string): MemberIdentity | null;
  verify(member: MemberIdentity): MemberIdentity | null;
}

/** Who a request is, and the secret to set as its cookie when it came in the URL. */
interface Authenticated {
  caller: Caller;
  cookieSecret: string | null;
}

export interface StudioServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

const PAGE_CSP =
  "default-src 'self'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; style-src 'self' 'unsafe-inline'; " +
  "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

function withMember(member: MemberIdentity | null): Caller | null {
  return member === null ? null : memberCaller(member);
}

// Re-exported for the CLI commands and the scoring session, which import it from here.
export { isLoopback } from './host-check';

function reply(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(text);
}

async function sendFile(request: IncomingMessage, response: ServerResponse, file: string, headers: Record<string, string>): Promise<void> {
  const info = await stat(file);
  if (!info.isFile()) return reply(response, 404, 'Not found.');
  response.writeHead(200, {
    ...SECURITY_HEADERS,
    ...headers,
    'Content-Type': contentTypeFor(file),
    'Content-Length': String(info.size),
  });
  if (request.method === 'HEAD') return void response.end();
  createReadStream(file).pipe(response);
}

async function serveProjectFile(request: IncomingMessage, response: ServerResponse, options: StudioServerOptions, urlPath: string): Promise<void> {
  const found = await options.projectFile(urlPath.slice(FILES_PATH.length));
  if (!found.ok) return reply(response, found.status, found.message);
  // Content-addressed files never change under the same name.
  await sendFile(request, response, found.file, { 'Cache-Control': 'private, max-age=31536000, immutable', ...projectFileHeaders(found.file) });
}

/** `attachment; filename=…` with the UTF-8 name too (RFC 6266), so any file name survives. */
function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

async function serveDownload(request: IncomingMessage, response: ServerResponse, options: StudioServerOptions, urlPath: string): Promise<void> {
  const content = await options.download?.(urlPath.slice(DOWNLOAD_PATH.length));
  if (!content) return reply(response, 404, 'This download is gone (the server restarted, or it was one of many older exports). Export again.');
  const headers = { 'Content-Disposition': attachment(content.name), 'Cache-Control': 'no-store' };
  if (content.kind === 'file') return sendFile(request, response, content.file, headers);
  response.writeHead(200, { ...SECURITY_HEADERS, ...headers, 'Content-Type': 'application/zip' });
  if (request.method === 'HEAD') return void response.end();
  // Stored, not deflated: JSON Lines beside images that are compressed already. yazl streams each
  // file as it is read (CRC in a data descriptor; ZIP64 past 4 GiB), so nothing is written to disk.
  const zip = new yazl.ZipFile();
  for (const entry of content.entries) zip.addFile(entry.file, entry.name, { compress: false });
  zip.end();
  await pipeline(zip.outputStream, response);
}

async function serveRenderer(request: IncomingMessage, response: ServerResponse, rendererDir: string, urlPath: string, cookie: string | null): Promise<void> {
  const isPage = urlPath === '/' || urlPath === '/index.html';
  const file = isPage ? path.join(rendererDir, 'index.html') : await resolveInside(rendererDir, urlPath.slice(1));
  if (!file) return reply(response, 404, 'Not found.');
  try {
    await stat(file);
  } catch {
    if (isPage) return reply(response, 503, `The studio UI is not built (no ${file}). Run "npm run build" and reload.`);
    return reply(response, 404, 'Not found.');
  }
  const headers: Record<string, string> = isPage
    ? { 'Content-Security-Policy': PAGE_CSP, 'Cache-Control': 'no-store', ...(cookie ? { 'Set-Cookie': cookie } : {}) }
    : { 'Cache-Control': 'private, max-age=3600' };
  await sendFile(request, response, file, headers);
}

const REFUSED_TOKEN =
  'This link does not open the studio: its token is missing or wrong, or it was revoked or has expired. ' +
  'Open the URL that `reward-studio serve` printed, or ask the project owner for a new link.';

/** The owner (the server's own token) or a team member (their link secret); null: refused. */
function authenticate(request: IncomingMessage, url: URL, token: string, port: number, members: TeamAccess | undefined): Authenticated | null {
  const owner = checkAccessToken(request, url, token, port);
  if (owner.ok) return { caller: OWNER, cookieSecret: owner.fromQuery ? token : null };
  if (!members) return null;
  for (const secret of presentedSecrets(request, url, port)) {
    const member = members.identify(secret.value);
    if (member !== null) return { caller: memberCaller(member), cookieSecret: secret.fromQuery ? secret.value : null };
  }
  return null;
}

export async function startStudioServer(options: StudioServerOptions): Promise<StudioServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newAccessToken();
  let port = options.port ?? 0;

  /** One request, from the first byte to the reply; may throw (the boundary below answers 500). */
  const handle = (request: IncomingMessage, response: ServerResponse): Promise<void> | void => {
    const refused = checkHostHeader(request, host);
    if (refused) return reply(response, 421, `${refused.message}\n${refused.hint.replace('PORT', String(port))}`);
    const url = parseRequestTarget(request.url);
    if (!url) return reply(response, 400, `${BAD_TARGET_MESSAGE} ${BAD_TARGET_HINT}`);
    const access = authenticate(request, url, token, port, options.members);
    if (!access) return reply(response, 403, REFUSED_TOKEN);
    const ownerOnly = url.pathname === UPLOAD_PATH || url.pathname.startsWith(DOWNLOAD_PATH);
    if (ownerOnly && access.caller.role !== 'owner') {
      return reply(response, 403, 'Only the project owner can upload and download files here.');
    }
    if (url.pathname === UPLOAD_PATH) {
      // A page on another site could POST here with the cookie attached; only our own page may.
      if (!sameOrigin(request)) return reply(response, 403, 'Uploads are accepted only from the studio\'s own page.');
      const uploadDir = options.uploadDir;
      if (!uploadDir) return reply(response, 404, 'This server accepts no uploads.');
      return handleUpload(request, response, url, { uploadDir, maxBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES, zip: options.zipLimits }, SECURITY_HEADERS);
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return reply(response, 405, 'Only GET is served over HTTP (and POST to /upload); the studio talks over its WebSocket.');
    }
    const cookie = access.cookieSecret !== null ? tokenCookieHeader(access.cookieSecret, port) : null;
    if (url.pathname.startsWith(FILES_PATH)) return serveProjectFile(request, response, options, url.pathname);
    if (url.pathname.startsWith(DOWNLOAD_PATH)) return serveDownload(request, response, options, url.pathname);
    return serveRenderer(request, response, options.rendererDir, url.pathname, cookie);
  };

  // The error boundary: whatever a request holds (path, headers, cookies), a failure answers that
  // request and never reaches the process (an uncaught throw here would end `serve`).
  const failed = (response: ServerResponse) => (error: unknown) => {
    console.error('reward-studio serve: request failed:', error);
    if (!response.headersSent) reply(response, 500, 'Internal error; see the terminal running reward-studio serve.');
    else response.destroy();
  };
  const server = createServer((request, response) => {
    try {
      void Promise.resolve(handle(request, response)).catch(failed(response));
    } catch (error) {
      failed(response)(error);
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  // Who each upgrade request is, decided once when it is accepted; the binding reads it back.
  const callers = new WeakMap<IncomingMessage, Caller>();
  const unbind = bindContractToWebSockets(wss, options.router, options.events, {
    callerOf: (request) => callers.get(request) ?? null,
    verify: (caller) => (caller.member === null ? caller : withMember(options.members?.verify(caller.member) ?? null)),
  });
  /** Null when the upgrade may go ahead, else the status line to refuse it with. */
  const upgradeRefusal = (request: IncomingMessage): string | null => {
    if (checkHostHeader(request, host)) return '421 Misdirected Request';
    const url = parseRequestTarget(request.url);
    if (!url) return '400 Bad Request';
    if (url.pathname !== WS_PATH || !sameOrigin(request)) return '403 Forbidden';
    const access = authenticate(request, url, token, port, options.members);
    if (!access) return '403 Forbidden';
    callers.set(request, access.caller);
    return null;
  };
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client that resets mid-handshake must not become an uncaught 'error'.
    socket.on('error', () => socket.destroy());
    try {
      const refusal = upgradeRefusal(request);
      if (refusal) return void socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\n\r\n`);
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    } catch (error) {
      console.error('reward-studio serve: WebSocket upgrade failed:', error);
      socket.end('HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\n\r\n');
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    token,
    async close() {
      unbind();
      wss.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
