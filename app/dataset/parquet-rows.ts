import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { StudioError } from '../errors';

export interface ParquetRowRecord {
  /** 1-based row number across the whole file (reported like a line number). */
  line: number;
  value: Record<string, unknown>;
  bytesRead: number;
}

/**
 * Streams a Parquet file one row group at a time, so memory holds one group, never the file.
 * Byte arrays stay bytes (`utf8: false`) so embedded images are not mangled into strings;
 * columns annotated as text still arrive as strings.
 */
export async function* readParquetRows(file: string, signal?: AbortSignal): AsyncGenerator<ParquetRowRecord> {
  const buffer = await asyncBufferFromFile(file);
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (error) {
    throw new StudioError(
      'bad_file',
      `${file} is not a readable Parquet file (${error instanceof Error ? error.message : String(error)})`,
      'Check that the file is complete; re-export it from its source.',
    );
  }
  let rowStart = 0;
  let bytesRead = 0;
  for (const group of metadata.row_groups) {
    if (signal?.aborted) return;
    const rowEnd = rowStart + Number(group.num_rows);
    let rows: Record<string, unknown>[];
    try {
      rows = await parquetReadObjects({ file: buffer, metadata, rowStart, rowEnd, utf8: false });
    } catch (error) {
      throw new StudioError(
        'bad_file',
        `${file}: rows ${rowStart + 1}-${rowEnd} cannot be read (${error instanceof Error ? error.message : String(error)})`,
        'The file is damaged; rows before these were imported. Re-export the file from its source.',
      );
    }
    bytesRead += Number(group.total_compressed_size ?? group.total_byte_size);
    for (let index = 0; index < rows.length; index++) {
      yield { line: rowStart + index + 1, value: rows[index] ?? {}, bytesRead: Math.min(bytesRead, buffer.byteLength) };
    }
    rowStart = rowEnd;
  }
}
