/**
 * Unpacks an uploaded `.zip` (a data file with its images, or a LLaMA-Factory `data/` folder with
 * `dataset_info.json`) into a folder of its own, so that the relative image paths inside resolve
 * when the data file is imported from there.
 *
 * A zip is a stranger's file: nothing in it is trusted.
 * - Names are checked here before anything is written (yauzl's own check runs only when it
 *   decodes names, and its message names no rule): `..` segments, absolute paths, drive letters
 *   and control characters are refused; backslashes are read as folder separators (Windows
 *   PowerShell's Compress-Archive writes them) and the result is checked like any other name.
 *   Symlinks and other special files are refused: only plain files and folders are created, so no
 *   later entry can be written through a link.
 * - Sizes are counted as the bytes stream out of the inflater; the headers' sizes are only used to
 *   refuse early. yauzl's `validateEntrySizes` stops an entry that inflates past its declared size,
 *   our counter stops the whole archive at the byte budget, and a ratio guard stops an entry that
 *   inflates more than `maxRatio` times its compressed size (a zip bomb) once it is past
 *   `ratioGraceBytes`. The CRC-32 of every entry is checked as well (yauzl does not).
 * - The archive is read twice: once through the central directory only (names, kinds, counts,
 *   declared sizes), so a bad name is refused before a byte is written; then to extract.
 * The caller extracts into a `.part` folder and removes it on any failure.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';

export interface ZipLimits {
  /** Entries in the central directory, folders included. */
  maxEntries: number;
  /** Bytes written to disk for the whole archive, counted as they inflate. */
  maxTotalBytes: number;
  /** Largest uncompressed / compressed size of one entry once it is past `ratioGraceBytes`. */
  maxRatio: number;
  ratioGraceBytes: number;
}

/**
 * Why these numbers: a VL preference set is mostly images, which do not deflate (PNG/JPEG ≈ 1×),
 * and its JSON deflates 3–12× (measured on LLaMA-Factory's, hh-rlhf's and Label Studio's files).
 * So a real dataset unpacks to a few times its zip at most: the byte budget is 16 GiB and never
 * more than 4× the upload limit (4 GiB by default, so the two agree). Deflate tops out near
 * 1032:1, and bombs live there; real data is two orders of magnitude below, hence 100× (Apache
 * POI's default too), judged only past 1 MiB so a tiny, very regular file is never refused.
 * 200,000 entries is 100,000 image pairs; a larger set belongs in Parquet or a path on the server.
 */
export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 200_000,
  maxTotalBytes: 16 * 1024 ** 3,
  maxRatio: 100,
  ratioGraceBytes: 1024 ** 2,
};
export const MAX_EXPANSION_OVER_UPLOAD_LIMIT = 4;

export function zipLimitsFor(maxUploadBytes: number, overrides: Partial<ZipLimits> = {}): ZipLimits {
  const limits = { ...DEFAULT_ZIP_LIMITS, ...overrides };
  return { ...limits, maxTotalBytes: Math.min(limits.maxTotalBytes, MAX_EXPANSION_OVER_UPLOAD_LIMIT * maxUploadBytes) };
}

/** A zip the studio will not unpack; `status` is 400 unless the fault is the server's disk. */
export class ZipRefused extends Error {
  constructor(
    message: string,
    readonly hint: string,
    readonly entry: string | null = null,
    readonly status: number = 400,
  ) {
    super(message);
    this.name = 'ZipRefused';
  }
}

/** The extensions `dataset.import` reads (compressed JSON(L) included). */
const DATA_FILE = /\.(jsonl|json|jsonl\.gz|json\.gz|jsonl\.zst|parquet)$/i;
const DATASET_INFO = 'dataset_info.json';
const MAX_DATASET_INFO_BYTES = 16 * 1024 ** 2;

export interface ZipDatasetInfo {
  /** Absolute path of the dataset_info.json. */
  path: string;
  /** Its top-level names whose `file_name` is in the zip, in the file's order. */
  datasets: string[];
  /** Each of those names → its `file_name`, relative to the extracted folder. */
  files: Record<string, string>;
}

export interface ExtractedZip {
  folder: string;
  /** Data files, relative to `folder` with `/`, sorted. */
  files: string[];
  datasetInfo: ZipDatasetInfo | null;
  entries: number;
  bytes: number;
}

function describeBytes(bytes: number): string {
  const units: [number, string][] = [[1024 ** 3, 'GiB'], [1024 ** 2, 'MiB'], [1024, 'KiB']];
  for (const [size, unit] of units) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}

const DAMAGED_HINT = 'Make the zip again (with your system\'s "Compress" or `zip -r`) and upload it once more.';
const NAME_HINT = 'Zip the folder itself so every entry is a relative path inside it (`cd data && zip -r ../data.zip .`), with no links.';

/** The entry's name as the archive spells it, for messages (Info-ZIP Unicode path field honoured). */
function rawName(entry: Entry): string {
  return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
}

export interface CheckedName {
  /** Relative, `/`-separated, no empty or `.` segments. */
  relative: string;
  directory: boolean;
}

/** Our own zip-slip rules; throws ZipRefused naming the entry. */
export function checkEntryName(name: string): CheckedName {
  const refuse = (why: string): never => {
    throw new ZipRefused(`The zip entry "${name}" ${why}, so the zip was not unpacked.`, NAME_HINT, name);
  };
  if (name === '') refuse('has an empty name');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) refuse('has a control character in its name');
  const slashed = name.replace(/\\/g, '/');
  if (slashed.startsWith('/')) refuse('is an absolute path');
  if (/^[A-Za-z]:/.test(slashed)) refuse('starts with a drive letter');
  const segments = slashed.split('/');
  if (segments.includes('..')) refuse('climbs out of the zip with ".."');
  const kept = segments.filter((segment) => segment !== '' && segment !== '.');
  if (kept.length === 0) refuse('names no file');
  return { relative: kept.join('/'), directory: slashed.endsWith('/') };
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const MSDOS_DIRECTORY = 0x10;

/** 'file' | 'directory', or throws for links and special files (Unix mode in the high 16 bits). */
function entryKind(entry: Entry, name: string, checked: CheckedName): 'file' | 'directory' {
  const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
  if (type === S_IFLNK) {
    throw new ZipRefused(`The zip entry "${name}" is a symbolic link, so the zip was not unpacked.`, 'Zip the files the link points to instead of the link (`zip -r` without `-y`).', name);
  }
  if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) {
    throw new ZipRefused(`The zip entry "${name}" is a special file (not a plain file or folder), so the zip was not unpacked.`, NAME_HINT, name);
  }
  if (checked.directory || type === S_IFDIR || (entry.externalFileAttributes & MSDOS_DIRECTORY) !== 0) return 'directory';
  return 'file';
}

/** macOS Finder adds resource forks and folder settings; they are not part of anyone's dataset. */
function isMacJunk(relative: string): boolean {
  const base = relative.split('/').pop() ?? '';
  return relative === '__MACOSX' || relative.startsWith('__MACOSX/') || base.startsWith('._') || base === '.DS_Store';
}

async function openZip(zipPath: string): Promise<ZipFile> {
  try {
    // decodeStrings off: yauzl would otherwise turn backslashes into slashes and refuse bad names
    // with its own terse message before we can name the rule.
    return await yauzl.openPromise(zipPath, { decodeStrings: false, validateEntrySizes: true, autoClose: false, strictFileNames: true });
  } catch (error) {
    throw damaged(error, null);
  }
}

function damaged(error: unknown, entry: string | null): ZipRefused {
  const why = error instanceof Error ? error.message : String(error);
  const where = entry === null ? 'The upload is not a readable zip' : `The zip entry "${entry}" is damaged`;
  return new ZipRefused(`${where}: ${why}.`, DAMAGED_HINT, entry);
}

/** Iterates entries; a structural error from yauzl becomes "damaged". */
async function* entriesOf(zip: ZipFile): AsyncGenerator<Entry> {
  const iterator = zip.eachEntry();
  for (;;) {
    let next: IteratorResult<Entry>;
    try {
      next = await iterator.next();
    } catch (error) {
      throw damaged(error, null);
    }
    if (next.done) return;
    yield next.value;
  }
}

interface Survey {
  files: Set<string>;
  directories: Set<string>;
  dataFiles: string[];
}

/** Pass 1: the central directory only. Refuses before anything is written. */
async function survey(zipPath: string, limits: ZipLimits): Promise<Survey> {
  const zip = await openZip(zipPath);
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw new ZipRefused(
        `The zip holds ${zip.entryCount.toLocaleString('en-US')} entries, more than the limit of ${limits.maxEntries.toLocaleString('en-US')}.`,
        'Pack the images into Parquet (embedded image bytes), or put the folder on the server and type the data file\'s path instead.',
      );
    }
    const files = new Set<string>();
    const directories = new Set<string>();
    let declared = 0;
    for await (const entry of entriesOf(zip)) {
      const name = rawName(entry);
      const checked = checkEntryName(name);
      const kind = entryKind(entry, name, checked);
      if (kind === 'directory') {
        if (files.has(checked.relative)) {
          throw new ZipRefused(`The zip holds "${name}" both as a file and as a folder.`, 'Make the zip again from the folder on disk.', name);
        }
        directories.add(checked.relative);
        continue;
      }
      if (entry.isEncrypted()) {
        throw new ZipRefused(`The zip entry "${name}" is encrypted.`, 'Make the zip again without a password.', name);
      }
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
        throw new ZipRefused(
          `The zip entry "${name}" uses compression method ${entry.compressionMethod}; only stored and Deflate entries are read.`,
          'Make the zip again with standard Deflate compression (the default of `zip` and of every system\'s "Compress").',
          name,
        );
      }
      if (files.has(checked.relative) || directories.has(checked.relative)) {
        throw new ZipRefused(`The zip holds "${name}" twice.`, 'Make the zip again from the folder on disk, so every name appears once.', name);
      }
      files.add(checked.relative);
      declared += entry.uncompressedSize;
      if (declared > limits.maxTotalBytes) throw tooLarge(limits, name);
    }
    for (const file of files) {
      // "a" as a file and "a/b" below it cannot both exist on disk. Folders without their own
      // entry are added, so dataset_info.json's file_name may name a folder.
      const parts = file.split('/');
      for (let i = 1; i < parts.length; i++) {
        const parent = parts.slice(0, i).join('/');
        if (files.has(parent)) {
          throw new ZipRefused(`The zip holds "${parent}" both as a file and as the folder of "${file}".`, 'Make the zip again from the folder on disk.', file);
        }
        directories.add(parent);
      }
    }
    const dataFiles = [...files].filter((file) => DATA_FILE.test(file) && path.posix.basename(file) !== DATASET_INFO && !isMacJunk(file)).sort();
    if (dataFiles.length === 0) {
      throw new ZipRefused(
        'The zip holds no data file (.jsonl, .json, .jsonl.gz, .json.gz, .jsonl.zst or .parquet).',
        'Put the preference data file into the zip next to its images and upload it again.',
      );
    }
    return { files, directories, dataFiles };
  } finally {
    zip.close();
  }
}

function tooLarge(limits: ZipLimits, entry: string): ZipRefused {
  return new ZipRefused(
    `The zip unpacks to more than the limit of ${describeBytes(limits.maxTotalBytes)} (reached at "${entry}").`,
    'Put the folder on the server and type the data file\'s path instead, or upload it in parts.',
    entry,
  );
}

function bomb(limits: ZipLimits, entry: string): ZipRefused {
  return new ZipRefused(
    `The zip entry "${entry}" inflates more than ${limits.maxRatio} times its compressed size, which is how zip bombs look; the zip was not unpacked.`,
    'If the file is real, upload it on its own (not zipped) or type its path on the server.',
    entry,
  );
}

/** Counts inflated bytes against the budget and the ratio guard, and computes the CRC-32. */
class InflateGuard extends Transform {
  written = 0;
  crc = 0;
  constructor(
    private readonly limits: ZipLimits,
    private readonly entry: string,
    private readonly compressedSize: number,
    private readonly budgetLeft: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.written += chunk.length;
    if (this.written > this.budgetLeft) return callback(tooLarge(this.limits, this.entry));
    if (this.written > this.limits.ratioGraceBytes && this.written > this.limits.maxRatio * Math.max(1, this.compressedSize)) {
      return callback(bomb(this.limits, this.entry));
    }
    this.crc = zlib.crc32(chunk, this.crc);
    callback(null, chunk);
  }
}

function diskError(error: unknown, entry: string): ZipRefused | null {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new ZipRefused(`The server's disk filled up while unpacking "${entry}".`, 'Free some space on the server, or upload a smaller zip.', entry, 507);
  }
  if (code === 'ENAMETOOLONG') return new ZipRefused(`The zip entry "${entry}" has a name too long for the server's disk.`, 'Shorten the name and zip again.', entry);
  if (code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR') {
    return new ZipRefused(`The zip entry "${entry}" collides with another entry of the same name.`, 'Make the zip again from the folder on disk.', entry);
  }
  return null;
}

/** Pass 2: writes every file under `folder` (which must exist and be empty). */
async function extract(zipPath: string, folder: string, limits: ZipLimits): Promise<{ entries: number; bytes: number }> {
  const zip = await openZip(zipPath);
  const made = new Set<string>(['']);
  const ensureDir = async (relative: string): Promise<void> => {
    if (made.has(relative)) return;
    await mkdir(path.join(folder, relative), { recursive: true });
    made.add(relative);
  };
  let bytes = 0;
  let entries = 0;
  try {
    for await (const entry of entriesOf(zip)) {
      entries++;
      const name = rawName(entry);
      const checked = checkEntryName(name);
      if (isMacJunk(checked.relative)) continue;
      const target = path.resolve(folder, checked.relative);
      // Belt and braces after checkEntryName: the target must lie inside the folder.
      if (!target.startsWith(folder + path.sep)) throw new ZipRefused(`The zip entry "${name}" would land outside its folder, so the zip was not unpacked.`, NAME_HINT, name);
      try {
        if (entryKind(entry, name, checked) === 'directory') {
          await ensureDir(checked.relative);
          continue;
        }
        await ensureDir(path.posix.dirname(checked.relative).replace(/^\.$/, ''));
        let stream;
        try {
          stream = await zip.openReadStreamPromise(entry);
        } catch (error) {
          throw damaged(error, name);
        }
        const guard = new InflateGuard(limits, name, entry.compressedSize, limits.maxTotalBytes - bytes);
        const out = createWriteStream(target, { flags: 'wx' });
        try {
          await pipeline(stream, guard, out);
        } catch (error) {
          if (error instanceof ZipRefused) throw error;
          // Errors without a syscall come from inflating or from yauzl's size check: the zip's fault.
          if ((error as NodeJS.ErrnoException).syscall === undefined) throw damaged(error, name);
          throw error;
        }
        bytes += guard.written;
        if (guard.crc >>> 0 !== entry.crc32 >>> 0) throw damaged(new Error('its checksum does not match'), name);
      } catch (error) {
        if (error instanceof ZipRefused) throw error;
        throw diskError(error, name) ?? error;
      }
    }
  } finally {
    zip.close();
  }
  return { entries, bytes };
}

/** dataset_info.json nearest the top (LLaMA-Factory's `data/` zipped with or without its folder). */
function findDatasetInfo(files: Set<string>): string | null {
  let best: string | null = null;
  for (const file of files) {
    if (isMacJunk(file) || path.posix.basename(file) !== DATASET_INFO) continue;
    const depth = file.split('/').length;
    if (best === null || depth < best.split('/').length || (depth === best.split('/').length && file < best)) best = file;
  }
  return best;
}

async function readDatasetInfo(folder: string, relative: string, survey: Survey): Promise<ZipDatasetInfo> {
  const infoPath = path.join(folder, relative);
  const base = path.posix.dirname(relative).replace(/^\.$/, '');
  const refuse = (why: string): never => {
    throw new ZipRefused(`${relative} in the zip ${why}.`, 'LLaMA-Factory\'s format: {"name": {"file_name": "data.json", ...}, ...}; fix the file and zip again.', relative);
  };
  const text = await readFile(infoPath);
  if (text.length > MAX_DATASET_INFO_BYTES) refuse(`is larger than ${describeBytes(MAX_DATASET_INFO_BYTES)}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.toString('utf8'));
  } catch (error) {
    refuse(`is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) refuse('is not a JSON object of named datasets');
  const datasets: string[] = [];
  const files: Record<string, string> = {};
  for (const [name, spec] of Object.entries(parsed as Record<string, unknown>)) {
    const fileName = typeof spec === 'object' && spec !== null ? (spec as { file_name?: unknown }).file_name : undefined;
    if (typeof fileName !== 'string' || fileName === '') continue;
    // LLaMA-Factory resolves file_name from the dataset_info.json's folder; a file or a folder.
    const joined = path.posix.normalize(path.posix.join(base, fileName.replace(/\\/g, '/'))).replace(/\/$/, '');
    if (joined.startsWith('../') || joined === '..' || path.posix.isAbsolute(joined)) continue;
    if (survey.files.has(joined) || survey.directories.has(joined)) {
      datasets.push(name);
      files[name] = joined;
    }
  }
  return { path: infoPath, datasets, files };
}

/**
 * Unpacks `zipPath` into `folder` (created by the caller, empty). Throws ZipRefused for anything
 * the person must fix; the caller removes `folder` on any throw.
 */
export async function extractZipUpload(zipPath: string, folder: string, limits: ZipLimits): Promise<ExtractedZip> {
  const found = await survey(zipPath, limits);
  const { entries, bytes } = await extract(zipPath, folder, limits);
  const infoFile = findDatasetInfo(found.files);
  const datasetInfo = infoFile === null ? null : await readDatasetInfo(folder, infoFile, found);
  return { folder, files: found.dataFiles, datasetInfo, entries, bytes };
}
