import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export interface JsonlLine {
  /** 1-based, counting blank lines, so it matches what an editor shows. */
  line: number;
  text: string;
  /** Bytes of the file consumed so far (for progress). */
  bytesRead: number;
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

/** The non-blank lines of a stream of UTF-8 chunks (a file, or a decompressed file). */
export async function* splitJsonlLines(chunks: AsyncIterable<Buffer>, signal?: AbortSignal): AsyncGenerator<JsonlLine> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let lineNumber = 0;
  let bytesRead = 0;
  for await (const chunk of chunks) {
    if (signal?.aborted) return;
    bytesRead += chunk.length;
    pending += decoder.write(chunk);
    let start = 0;
    let newline = pending.indexOf('\n', start);
    while (newline !== -1) {
      lineNumber += 1;
      const text = cleanLine(pending.slice(start, newline), lineNumber);
      if (text.trim() !== '') yield { line: lineNumber, text, bytesRead };
      start = newline + 1;
      newline = pending.indexOf('\n', start);
    }
    pending = pending.slice(start);
  }
  pending += decoder.end();
  if (pending.trim() !== '') yield { line: lineNumber + 1, text: cleanLine(pending, lineNumber + 1), bytesRead };
}

function cleanLine(text: string, lineNumber: number): string {
  const withoutCr = text.endsWith('\r') ? text.slice(0, -1) : text;
  // Editors on Windows put a byte-order mark at the start of UTF-8 files.
  return lineNumber === 1 && withoutCr.charCodeAt(0) === 0xfeff ? withoutCr.slice(1) : withoutCr;
}
