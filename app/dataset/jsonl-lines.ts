import { createReadStream } from 'node:fs';

/**
 * The longest JSON Lines row read (FORMATS.md, "Limits"). Far above any real preference row (a
 * row with inline base64 images is a few MiB); a longer line is skipped as a row error without
 * being held whole: a 500 MB line once took minutes and 3+ GB of memory, and was stored.
 */
export const MAX_JSONL_LINE_BYTES = 64 * 1024 * 1024;

const NEWLINE = 0x0a;
const MIB = 1024 * 1024;

export interface JsonlLine {
  /** 1-based, counting blank lines, so it matches what an editor shows. */
  line: number;
  text: string;
  /** Bytes of the file consumed so far (for progress). */
  bytesRead: number;
  /** Set (and `text` empty) when the line was longer than the limit: its length in bytes, as far as it was read. */
  tooLongBytes?: number;
}

/**
 * Streams the non-blank lines of a text file. Iterating the stream's chunks (not readline's
 * event-based iterator) keeps back-pressure: the file is read only as fast as rows are imported.
 */
export async function* readJsonlLines(file: string, signal?: AbortSignal): AsyncGenerator<JsonlLine> {
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  try {
    yield* splitJsonlLines(stream as AsyncIterable<Buffer>, signal);
  } finally {
    stream.destroy();
  }
}

/**
 * The non-blank lines of a stream of UTF-8 chunks (a file, or a decompressed file). Lines are
 * cut on bytes (a newline byte is never inside a multi-byte character) and decoded whole, so a
 * line over `maxLineBytes` can be dropped as it streams past instead of being decoded and held.
 */
export async function* splitJsonlLines(
  chunks: AsyncIterable<Buffer>,
  signal?: AbortSignal,
  maxLineBytes: number = MAX_JSONL_LINE_BYTES,
): AsyncGenerator<JsonlLine> {
  const line = new LineBuffer(maxLineBytes);
  let lineNumber = 0;
  let bytesRead = 0;
  for await (const chunk of chunks) {
    if (signal?.aborted) return;
    bytesRead += chunk.length;
    let start = 0;
    for (let newline = chunk.indexOf(NEWLINE); newline !== -1; newline = chunk.indexOf(NEWLINE, start)) {
      lineNumber += 1;
      line.append(chunk.subarray(start, newline));
      start = newline + 1;
      const done = line.take(lineNumber, bytesRead);
      if (done !== null) yield done;
    }
    // Copied: the rest of the line outlives this chunk.
    line.append(Buffer.from(chunk.subarray(start)));
  }
  if (line.isEmpty()) return;
  const last = line.take(lineNumber + 1, bytesRead);
  if (last !== null) yield last;
}

/** The bytes of the line being read; past the limit only their count is kept. */
class LineBuffer {
  private parts: Buffer[] = [];
  private bytes = 0;
  private overflowed = false;

  constructor(private readonly maxBytes: number) {}

  append(bytes: Buffer): void {
    this.bytes += bytes.length;
    if (this.overflowed) return;
    if (this.bytes > this.maxBytes) {
      // Let go of what was gathered: the line will be a row error, not a row.
      this.overflowed = true;
      this.parts = [];
      return;
    }
    if (bytes.length > 0) this.parts.push(bytes);
  }

  isEmpty(): boolean {
    return this.bytes === 0;
  }

  /** The finished line (null when blank), and a fresh buffer for the next. */
  take(lineNumber: number, bytesRead: number): JsonlLine | null {
    const result: JsonlLine | null = this.overflowed
      ? { line: lineNumber, text: '', bytesRead, tooLongBytes: this.bytes }
      : textLine(lineNumber, this.parts, bytesRead);
    this.parts = [];
    this.bytes = 0;
    this.overflowed = false;
    return result;
  }
}

function textLine(lineNumber: number, parts: Buffer[], bytesRead: number): JsonlLine | null {
  const bytes = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
  const text = cleanLine(bytes.toString('utf8'), lineNumber);
  return text.trim() === '' ? null : { line: lineNumber, text, bytesRead };
}

/** Why a too-long line is skipped, with what to do about it. */
export function tooLongLineReason(bytes: number, maxBytes: number = MAX_JSONL_LINE_BYTES): string {
  return (
    `the line is longer than ${formatMiB(maxBytes)} (at least ${formatMiB(bytes)}), the most one row may hold; ` +
    'it was skipped unread. Check that the file is JSON Lines (one row per line); keep images as files referenced by path, not inline'
  );
}

function formatMiB(bytes: number): string {
  return bytes >= MIB ? `${Math.floor(bytes / MIB)} MiB` : `${bytes} bytes`;
}

function cleanLine(text: string, lineNumber: number): string {
  const withoutCr = text.endsWith('\r') ? text.slice(0, -1) : text;
  // Editors on Windows put a byte-order mark at the start of UTF-8 files.
  return lineNumber === 1 && withoutCr.charCodeAt(0) === 0xfeff ? withoutCr.slice(1) : withoutCr;
}
