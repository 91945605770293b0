/**
 * Browser only: hands a file picked in the page to `reward-studio serve`, which stores it in the
 * project (`POST /upload?name=…`, answer `{path}`) so `dataset.import` can read it by path. A
 * browser cannot reveal a local path, and the WebSocket is the wrong pipe for gigabytes.
 * A `.zip` (data file + images, or a LLaMA-Factory data/ folder) is unpacked by the server, which
 * answers with the data files and dataset_info.json datasets found (app/server/upload.ts).
 * Same access rules as everything else: the cookie set with the page goes along by itself; the
 * session's token, when there is one, rides in the Authorization header too.
 */
import { TOKEN_STORAGE_KEY } from './access-token';
import { UPLOAD_PATH } from './contract-types';

export class UploadError extends Error {
  constructor(
    message: string,
    readonly hint: string | undefined,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

/** What an unpacked zip holds (the server's ZipUploadReply, checked here rather than trusted). */
export interface UploadedZip {
  folder: string;
  /** Data files relative to `folder`, `/`-separated, sorted. */
  files: string[];
  datasetInfo: { path: string; datasets: string[]; files: Record<string, string> } | null;
}

export interface Uploaded {
  /** The file to import; null when a zip holds several data files (choose from `zip`). */
  path: string | null;
  zip: UploadedZip | null;
}

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

function readZipReply(fields: Record<string, unknown>): UploadedZip | null {
  if (typeof fields.folder !== 'string' || !isStringArray(fields.files)) return null;
  const info = fields.datasetInfo as { path?: unknown; datasets?: unknown; files?: unknown } | null | undefined;
  const datasetInfo =
    info && typeof info.path === 'string' && isStringArray(info.datasets)
      ? { path: info.path, datasets: info.datasets, files: typeof info.files === 'object' && info.files !== null ? (info.files as Record<string, string>) : {} }
      : null;
  return { folder: fields.folder, files: fields.files, datasetInfo };
}

/** A file inside an unpacked zip, as a path on the server (which may use `\\`). */
export function pathInZip(zip: UploadedZip, relative: string): string {
  const separator = zip.folder.includes('\\') && !zip.folder.includes('/') ? '\\' : '/';
  return `${zip.folder}${separator}${relative.split('/').join(separator)}`;
}

export async function uploadFile(file: File, origin: string = window.location.origin): Promise<Uploaded> {
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
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const zip = response.ok ? readZipReply(fields) : null;
  if (!response.ok || (typeof fields.path !== 'string' && zip === null)) {
    const message = typeof fields.error === 'string' ? fields.error : `The server answered ${response.status} to the upload of ${file.name}.`;
    throw new UploadError(message, typeof fields.hint === 'string' ? fields.hint : undefined);
  }
  return { path: typeof fields.path === 'string' ? fields.path : null, zip };
}
