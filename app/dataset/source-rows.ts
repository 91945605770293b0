/**
 * Reading the rows of a data file, whatever holds them: JSON Lines, one JSON array, or Parquet,
 * optionally gzip- or zstd-compressed. Containers are recognised from their bytes, not their
 * names (a `.json` file may hold JSON Lines; a download may lose its extension).
 */
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import { StudioError } from '../errors';
import { splitJsonlLines, tooLongLineReason } from './jsonl-lines';
import { readParquetRows } from './parquet-rows';

const SNIFF_BYTES = 64 * 1024;
/** A JSON array is parsed whole; past this size, ask for JSON Lines (which stream). */
const MAX_JSON_ARRAY_BYTES = 1024 ** 3;

export type Compression = 'none' | 'gzip' | 'zstd';
export type Container = 'jsonl' | 'json' | 'parquet';

export interface SourceKind {
  container: Container;
  compression: Compression;
  /**
   * A JSON array's rows, parsed on first read and kept on this object: detection's sample and the
   * import then read the same parse instead of decompressing and parsing the file twice.
   */
  parsed?: Promise<unknown[]>;
}

/** A row as read from the file: a value to validate, or why it could not even be read. */
export interface RawRow {
  /** 1-based line (JSON Lines) or row (JSON array, Parquet) number. */
  line: number;
  value?: unknown;
  error?: string;
  /** Bytes of the file (as stored, compressed or not) consumed so far, for progress. */
  bytesRead: number;
}

export async function sniffSource(file: string): Promise<SourceKind> {
  const head = await readHead(file, SNIFF_BYTES);
  if (head.subarray(0, 4).toString('latin1') === 'PAR1') return { container: 'parquet', compression: 'none' };
  const compression: Compression =
    head[0] === 0x1f && head[1] === 0x8b ? 'gzip' : head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528 ? 'zstd' : 'none';
  const text = compression === 'none' ? head : await firstDecompressedBytes(file, compression, SNIFF_BYTES);
  const start = text.toString('utf8').replace(/^\uFEFF/, '').trimStart();
  return { container: start.startsWith('[') || isPrettyObject(start) ? 'json' : 'jsonl', compression };
}

/**
 * One pretty-printed JSON object (`{` alone on the first line, as json.dump(indent=…) and
 * JSON.stringify(…, null, 2) write it): a file of one row, not JSON Lines (POVID's example).
 */
function isPrettyObject(start: string): boolean {
  return /^\{[ \t]*\r?\n/.test(start);
}

/** Every row of the file, in order, each parsed (or with why it could not be). */
export async function* readSourceRows(file: string, kind: SourceKind, signal?: AbortSignal): AsyncGenerator<RawRow> {
  if (kind.container === 'parquet') {
    for await (const row of readParquetRows(file, signal)) yield { line: row.line, value: row.value, bytesRead: row.bytesRead };
    return;
  }
  if (kind.container === 'json') {
    kind.parsed ??= parseJsonArray(file, openText(file, kind.compression));
    const rows = await kind.parsed;
    const size = (await stat(file)).size;
    for (let index = 0; index < rows.length; index++) yield { line: index + 1, value: rows[index], bytesRead: size };
    return;
  }
  const source = openText(file, kind.compression);
  for await (const line of splitJsonlLines(source.chunks, signal)) {
    if (line.tooLongBytes !== undefined) {
      yield { line: line.line, error: tooLongLineReason(line.tooLongBytes), bytesRead: source.bytesRead() };
      continue;
    }
    try {
      yield { line: line.line, value: JSON.parse(line.text) as unknown, bytesRead: source.bytesRead() };
    } catch {
      yield { line: line.line, error: 'malformed JSON; each line must be one complete JSON object', bytesRead: source.bytesRead() };
    }
  }
}

interface TextSource {
  chunks: AsyncIterable<Buffer>;
  /** Bytes of the file itself read so far (before decompression). */
  bytesRead: () => number;
}

function openText(file: string, compression: Compression): TextSource {
  let bytesRead = 0;
  // Counting in a transform (not a 'data' listener) keeps the stream paused: the file is read
  // only as fast as rows are imported.
  const counted = createReadStream(file, { highWaterMark: 1 << 20 }).pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytesRead += chunk.length;
        done(null, chunk);
      },
    }),
  );
  const chunks: AsyncIterable<Buffer> =
    compression === 'gzip' ? gunzipChunks(counted) : compression === 'zstd' ? zstdChunks(counted) : counted;
  return { chunks, bytesRead: () => bytesRead };
}

/** A truncated or corrupt .gz says so (zlib alone says only "unexpected end of file"). */
async function* gunzipChunks(raw: Transform): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of raw.pipe(createGunzip())) yield chunk as Buffer;
  } catch (error) {
    throw new StudioError('bad_file', `the gzip stream is damaged (${error instanceof Error ? error.message : String(error)})`, 'Re-compress or re-download the file.');
  }
}

/** fzstd is push-based; this turns it into chunks pulled at the reader's pace. */
async function* zstdChunks(raw: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let out: Buffer[] = [];
  const decoder = new Decompress((data) => {
    out.push(Buffer.from(data));
  });
  try {
    for await (const chunk of raw) {
      decoder.push(chunk);
      if (out.length > 0) {
        yield* out;
        out = [];
      }
    }
    decoder.push(new Uint8Array(0), true);
  } catch (error) {
    throw new StudioError('bad_file', `the zstd stream is damaged (${error instanceof Error ? error.message : String(error)})`, 'Re-compress or re-download the file.');
  }
  yield* out;
}

/** The rows of a file holding one JSON array (or one object: a single row). */
async function parseJsonArray(file: string, source: TextSource): Promise<unknown[]> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of source.chunks) {
    size += chunk.length;
    if (size > MAX_JSON_ARRAY_BYTES) {
      throw new StudioError(
        'bad_file',
        `${file} is one JSON array of more than 1 GiB`,
        "Convert it to JSON Lines, which is read row by row: jq -c '.[]' file.json > file.jsonl",
      );
    }
    parts.push(chunk);
  }
  let rows: unknown;
  const text = Buffer.concat(parts).toString('utf8').replace(/^\uFEFF/, '');
  try {
    rows = JSON.parse(text) as unknown;
  } catch (error) {
    throw new StudioError(
      'bad_file',
      `${file} starts like ${text.trimStart().startsWith('{') ? 'a JSON object' : 'a JSON array'} but is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
      'Check that the file is complete; an editor or `python -m json.tool FILE` shows where it breaks.',
    );
  }
  if (rows !== null && typeof rows === 'object' && !Array.isArray(rows)) rows = [rows];
  if (!Array.isArray(rows)) throw new StudioError('bad_file', `${file} is not a JSON array of rows`, 'Give a list of row objects.');
  return rows;
}

async function firstDecompressedBytes(file: string, compression: Compression, limit: number): Promise<Buffer> {
  const source = openText(file, compression);
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source.chunks) {
      parts.push(chunk);
      size += chunk.length;
      if (size >= limit) break;
    }
  } catch (error) {
    if (error instanceof StudioError) throw error;
    throw new StudioError('bad_file', `${file} is a damaged ${compression} file (${(error as Error).message})`, 'Re-download or re-compress it.');
  }
  return Buffer.concat(parts);
}

export async function readHead(file: string, bytes: number): Promise<Buffer> {
  await requireDataFile(file);
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    throw new StudioError('bad_file', `cannot open ${file} (it does not exist or is not readable)`, 'Check the path and the file permissions.');
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new StudioError('bad_file', `${file} is a folder, not a data file`, 'Choose a .jsonl, .json or .parquet file.');
    const buffer = Buffer.alloc(Math.min(bytes, info.size));
    await handle.read(buffer, 0, buffer.length, 0);
    return buffer;
  } finally {
    await handle.close();
  }
}

/**
 * Refuses what is not a plain file before it is opened: opening a FIFO waits for a writer (the
 * import hung), and a device such as /dev/zero never ends (memory grew without bound).
 */
export async function requireDataFile(file: string): Promise<void> {
  const info = await stat(file).catch(() => null);
  if (info === null) throw new StudioError('bad_file', `cannot open ${file} (it does not exist or is not readable)`, 'Check the path and the file permissions.');
  if (info.isDirectory()) throw new StudioError('bad_file', `${file} is a folder, not a data file`, 'Choose a .jsonl, .json or .parquet file.');
  if (!info.isFile()) {
    throw new StudioError(
      'bad_file',
      `${file} is not a regular file (a pipe, socket or device); only files on disk are imported`,
      'Save the data to a file first (e.g. `some-command > data.jsonl`) and import that file.',
    );
  }
}
