/**
 * Browser only: hands a file picked in the page to `reward-studio serve`, which stores it in the
 * project (`POST /upload?name=…`, answer `{path}`) so `dataset.import` can read it by path. A
 * browser cannot reveal a local path, and the WebSocket is the wrong pipe for gigabytes.
 * Same access rules as everything else: the cookie set with the page goes along by itself; the
 * session's token, when there is one, rides in the Authorization header too.
 */
import { UPLOAD_PATH } from '../../app/rpc/wire';
import { TOKEN_STORAGE_KEY } from './access-token';

export class UploadError extends Error {
  constructor(
    message: string,
    readonly hint: string | undefined,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

export async function uploadFile(file: File, origin: string = window.location.origin): Promise<string> {
  const url = new URL(UPLOAD_PATH, origin);
  url.searchParams.set('name', file.name);
  const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream' };
  let token: string | null = null;
  try {
    token = window.sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    token = null;
  }
  if (token) headers.Authorization = `token ${token}`;
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', body: file, headers, credentials: 'same-origin' });
  } catch (error) {
    throw new UploadError(`Uploading ${file.name} failed: ${error instanceof Error ? error.message : String(error)}`, 'Is the studio server still running? Try again, or type the file’s path instead.');
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  const fields = (typeof body === 'object' && body !== null ? body : {}) as { path?: unknown; error?: unknown; hint?: unknown };
  if (!response.ok || typeof fields.path !== 'string') {
    const message = typeof fields.error === 'string' ? fields.error : `The server answered ${response.status} to the upload of ${file.name}.`;
    throw new UploadError(message, typeof fields.hint === 'string' ? fields.hint : undefined);
  }
  return fields.path;
}
