/**
 * `POST /upload?name=<file name>`: the browser's way to hand the studio a dataset file (a browser
 * cannot reveal a local path). The body is streamed to `<project>/cache/uploads/<yyyymmdd-hhmmss>-<name>`
 * and the reply is `{"path": "<absolute path>"}`, which the UI passes to dataset.import.
 *
 * Images that a lone data file references by relative path will not resolve from there (they were
 * next to the original file, not uploaded). So a `.zip` (the data file with its images, or a
 * LLaMA-Factory `data/` folder with `dataset_info.json`) is saved the same way and then unpacked
 * into `<project>/cache/uploads/<stamp>-<name without .zip>/` (see unzip-upload.ts for the limits
 * and the zip-slip rules; the zip itself is deleted afterwards, and on any refusal nothing is
 * left behind). Its reply is `{path, files, datasetInfo, folder}`: `files` the data files found
 * (relative to `folder`, sorted), `path` the one to import when there is exactly one (else null),
 * `datasetInfo` `{path, datasets, files}` when the zip has a dataset_info.json (else null).
 * A refused zip answers 400 `{error, hint, entry}` naming the entry at fault.
 */
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UPLOAD_PATH } from '../rpc/wire';
import { extractZipUpload, ZipRefused, zipLimitsFor, type ExtractedZip, type ZipDatasetInfo, type ZipLimits } from './unzip-upload';

export { UPLOAD_PATH };

export const DEFAULT_MAX_UPLOAD_BYTES = 4 * 1024 ** 3;
const MAX_NAME_LENGTH = 120;

export interface UploadOptions {
  /** The open project's upload folder, or null when no project is open. */
  uploadDir: () => string | null;
  maxBytes: number;
  /** Limits for unpacking a `.zip`; unset ones default (see DEFAULT_ZIP_LIMITS), bytes capped at 4× maxBytes. */
  zip?: Partial<ZipLimits>;
}

/** What a `.zip` upload answers. */
export interface ZipUploadReply {
  path: string | null;
  files: string[];
  datasetInfo: ZipDatasetInfo | null;
  folder: string;
  bytes: number;
  entries: number;
  unpackedBytes: number;
}

const isZip = (name: string): boolean => /\.zip$/i.test(name);

class TooLarge extends Error {}

/** A safe file name that keeps the extension (import picks the format from it). */
export function sanitizeUploadName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  let name = base.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '');
  if (name.length > MAX_NAME_LENGTH) {
    const ext = path.extname(name).slice(0, 16);
    name = name.slice(0, MAX_NAME_LENGTH - ext.length) + ext;
  }
  return name === '' ? 'upload' : name;
}

/** yyyymmdd-hhmmss in local time: sorts by arrival and reads like the run folders. */
export function uploadStamp(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}${two(date.getMonth() + 1)}${two(date.getDate())}-${two(date.getHours())}${two(date.getMinutes())}${two(date.getSeconds())}`;
}

function json(response: ServerResponse, status: number, body: object, headers: Record<string, string>): void {
  response.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(`${JSON.stringify(body)}\n`);
}

function describeBytes(bytes: number): string {
  const units: [number, string][] = [[1024 ** 3, 'GiB'], [1024 ** 2, 'MiB'], [1024, 'KiB']];
  for (const [size, unit] of units) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}

export async function handleUpload(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  options: UploadOptions,
  headers: Record<string, string>,
): Promise<void> {
  const fail = (status: number, error: string, hint: string): void => json(response, status, { error, hint }, headers);
  if (request.method !== 'POST') {
    response.setHeader('Allow', 'POST');
    return fail(405, 'Uploads are sent with POST.', 'POST the file body to /upload?name=<file name>.');
  }
  const dir = options.uploadDir();
  if (dir === null) return fail(409, 'No project is open, so there is nowhere to put the upload.', 'Open or create a project first.');
  const rawName = url.searchParams.get('name');
  if (!rawName) return fail(400, 'The upload has no file name.', 'Add ?name=<file name> (the extension tells the import the format).');
  const tooLarge = `The file is larger than the upload limit of ${describeBytes(options.maxBytes)}.`;
  const tooLargeHint = 'Type the file\'s path into the path field instead (the studio then reads it in place), or split the file.';
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    response.setHeader('Connection', 'close');
    return fail(413, tooLarge, tooLargeHint);
  }

  await mkdir(dir, { recursive: true });
  const stamp = uploadStamp(new Date());
  const name = sanitizeUploadName(rawName);
  let received = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      received += chunk.length;
      if (received > options.maxBytes) callback(new TooLarge());
      else callback(null, chunk);
    },
  });
  const zip = isZip(name);
  // The folder a zip unpacks into, and its `.part` while unpacking, must be free as well.
  const alsoFree = (target: string): string[] => (zip ? [folderFor(target), `${folderFor(target)}.part`] : []);
  const { target, partial, out } = await openFreeTarget(dir, stamp, name, alsoFree);
  const written = pipeline(limit, out);
  // Not pipeline(request, …): on an oversize body that would destroy the request, and with it the
  // socket the 413 must go out on.
  request.pipe(limit);
  request.once('close', () => {
    if (!request.complete) limit.destroy(new Error('the browser stopped sending the file'));
  });
  try {
    await written;
  } catch (error) {
    await rm(partial, { force: true });
    if (error instanceof TooLarge) {
      // Read (and drop) the rest so the client sees the answer instead of a reset connection.
      request.unpipe(limit);
      request.resume();
      if (!request.complete) await new Promise<void>((resolve) => request.once('end', resolve).once('close', resolve));
      return fail(413, tooLarge, tooLargeHint);
    }
    if (!request.complete) return; // the browser went away; nobody to answer
    throw error;
  }
  try {
    // A half-received file is never visible under the final name.
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  if (!zip) return json(response, 200, { path: target, bytes: received }, headers);

  const folder = folderFor(target);
  const unpacking = `${folder}.part`;
  let extracted: ExtractedZip;
  try {
    await mkdir(unpacking);
    extracted = await extractZipUpload(target, unpacking, zipLimitsFor(options.maxBytes, options.zip));
    await rename(unpacking, folder);
  } catch (error) {
    await rm(unpacking, { recursive: true, force: true });
    await rm(target, { force: true });
    if (error instanceof ZipRefused) {
      return json(response, error.status, { error: error.message, hint: error.hint, entry: error.entry }, headers);
    }
    throw error;
  }
  // The unpacked folder holds everything; the archive would only double the disk used.
  await rm(target, { force: true });
  const reply: ZipUploadReply = {
    path: extracted.files.length === 1 ? path.join(folder, extracted.files[0] as string) : null,
    files: extracted.files,
    datasetInfo: extracted.datasetInfo && { ...extracted.datasetInfo, path: path.join(folder, path.relative(unpacking, extracted.datasetInfo.path)) },
    folder,
    bytes: received,
    entries: extracted.entries,
    unpackedBytes: extracted.bytes,
  };
  return json(response, 200, reply, headers);
}

/** `<stamp>-data.zip` unpacks into `<stamp>-data/`. */
function folderFor(zipTarget: string): string {
  return zipTarget.replace(/\.zip$/i, '');
}

/** Two uploads of one name in the same second get `-2-`, `-3-`…; the exclusive open ('wx') settles races. */
async function openFreeTarget(
  dir: string,
  stamp: string,
  name: string,
  alsoFree: (target: string) => string[],
): Promise<{ target: string; partial: string; out: WriteStream }> {
  for (let attempt = 1; attempt <= 100; attempt++) {
    const target = path.join(dir, `${stamp}-${attempt === 1 ? name : `${attempt}-${name}`}`);
    if (existsSync(target) || alsoFree(target).some((other) => existsSync(other))) continue;
    const partial = `${target}.part`;
    const out = createWriteStream(partial, { flags: 'wx' });
    try {
      await new Promise<void>((resolve, reject) => {
        out.once('open', () => resolve());
        out.once('error', reject);
      });
      return { target, partial, out };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`no free upload name for ${name} in ${dir}`);
}
