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
import { projectFileHeaders, type ProjectFileLookup } from '../app/studio/project-files';

export const APP_SCHEME = 'app';
const APP_HOST = 'studio';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Must run before `app.whenReady()`. */
export function registerSchemesAsPrivileged(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    { scheme: ELECTRON_MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

function fetchFile(file: string): Promise<Response> {
  return net.fetch(pathToFileURL(file).toString());
}

export function handleAppProtocols(rendererDir: string, projectFile: (relPath: string) => Promise<ProjectFileLookup>): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('Unknown app host.', { status: 404 });
    const file = await resolveInside(rendererDir, url.pathname === '/' ? 'index.html' : url.pathname.slice(1));
    return file ? fetchFile(file) : new Response('Not found.', { status: 404 });
  });
  protocol.handle(ELECTRON_MEDIA_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'project') return new Response('Unknown media host.', { status: 404 });
    const found = await projectFile(url.pathname.slice(1));
    if (!found.ok) return new Response(found.message, { status: found.status });
    // The same headers `serve` sends for /files/: never run as a page, non-images are downloads.
    const response = await fetchFile(found.file);
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(projectFileHeaders(found.file))) headers.set(name, value);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  });
}

export function rendererDirIn(appPath: string): string {
  return path.join(appPath, 'dist', 'renderer');
}
