import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { StudioError } from '../errors';
import { readJsonlLines } from './jsonl-lines';
import type { ImportFormat } from './types';

const SNIFF_BYTES = 64 * 1024;

/**
 * Picks the format from the extension and the first row: Parquet by extension (and magic
 * bytes), JSONL rows with `chosen` and `rejected` are TRL, any other JSONL is the seed format.
 */
export async function detectFormat(file: string, requested: 'auto' | ImportFormat = 'auto'): Promise<ImportFormat> {
  const head = await readHead(file);
  const isParquet = head.subarray(0, 4).toString('latin1') === 'PAR1';
  if (requested === 'parquet' || (requested === 'auto' && extname(file).toLowerCase() === '.parquet')) {
    if (!isParquet) {
      throw new StudioError('bad_file', `${file} is not a Parquet file (it does not start with "PAR1")`, 'Check the file, or import it as JSONL.');
    }
    return 'parquet';
  }
  if (isParquet) {
    if (requested === 'auto') return 'parquet';
    throw new StudioError('bad_file', `${file} is a Parquet file, not ${requested} JSONL`, 'Import it with format "parquet" (or "auto").');
  }
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  if (text.trimStart().startsWith('[')) {
    throw new StudioError(
      'bad_file',
      `${file} looks like one JSON array, not JSON Lines (one object per line)`,
      "Convert it with: jq -c '.[]' file.json > file.jsonl",
    );
  }
  if (requested !== 'auto') return requested;
  return isTrlRow(await firstRow(file)) ? 'trl' : 'seed';
}

/** TRL rows are the ones with both `chosen` and `rejected`, in JSONL and Parquet alike. */
export function isTrlRow(row: unknown): boolean {
  return typeof row === 'object' && row !== null && 'chosen' in row && 'rejected' in row;
}

async function firstRow(file: string): Promise<unknown> {
  for await (const { text } of readJsonlLines(file)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // A malformed first line is reported with its line number by the import itself.
      return null;
    }
  }
  return null;
}

async function readHead(file: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    throw new StudioError('bad_file', `cannot open ${file} (it does not exist or is not readable)`, 'Check the path and the file permissions.');
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new StudioError('bad_file', `${file} is a folder, not a data file`, 'Choose a .jsonl or .parquet file.');
    const buffer = Buffer.alloc(Math.min(SNIFF_BYTES, info.size));
    await handle.read(buffer, 0, buffer.length, 0);
    return buffer;
  } finally {
    await handle.close();
  }
}
