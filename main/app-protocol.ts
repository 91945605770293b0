/**
 * Two privileged schemes instead of file://, so the renderer gets a real origin for its CSP and
 * can read nothing else from disk:
 *   app://studio/…        the built renderer (dist/renderer)
 *   rs-media://project/…  media/ and cache/ of the open project only (images, thumbnails)
 */
import { net, protocol } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveInside } from '../app/server/confined-path';
import { ELECTRON_MEDIA_SCHEME } from '../app/rpc/wire';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://studio`;
const SERVED_PROJECT_FOLDERS = new Set(['media', 'cache']);

/** Must run before `app.whenReady()`. */
export function registerSchemesAsPrivileged(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    { scheme: ELECTRON_MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

async function serveConfined(root: string | null, relative: string): Promise<Response> {
  if (!root) return new Response('No project is open.', { status: 404 });
  const file = await resolveInside(root, relative);
  if (!file) return new Response('Not found.', { status: 404 });
  return net.fetch(pathToFileURL(file).toString());
}

export function handleAppProtocols(rendererDir: string, projectDir: () => string | null): void {
  protocol.handle(APP_SCHEME, (request) => {
    const url = new URL(request.url);
    const relative = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    return serveConfined(rendererDir, relative);
  });
  protocol.handle(ELECTRON_MEDIA_SCHEME, (request) => {
    const url = new URL(request.url);
    const relative = url.pathname.slice(1);
    const top = relative.split('/')[0] ?? '';
    if (url.host !== 'project' || !SERVED_PROJECT_FOLDERS.has(top)) {
      return new Response('Only media/ and cache/ of the open project are served.', { status: 403 });
    }
    return serveConfined(projectDir(), relative);
  });
}

export function rendererDirIn(appPath: string): string {
  return path.join(appPath, 'dist', 'renderer');
}
