/**
 * Follows a log file by byte offset (the worker's console output goes to a file, not a pipe, so
 * the worker outlives the studio and a restarted studio can keep following it).
 */
import { closeSync, fstatSync, openSync, readSync, statSync, existsSync, readFileSync } from 'node:fs';

const MAX_READ = 1 << 20;

export class LogTail {
  private offset: number;
  private partial = '';

  /** `fromEnd`: start at the current end (attached to a run already under way). */
  constructor(
    readonly file: string,
    fromEnd: boolean,
  ) {
    this.offset = fromEnd && existsSync(file) ? statSync(file).size : 0;
  }

  /** Complete new lines since the last call (a line still being written waits for its newline). */
  read(): string[] {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return [];
    }
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) this.offset = 0; // truncated or replaced
      if (size === this.offset) return [];
      const length = Math.min(size - this.offset, MAX_READ);
      const buffer = Buffer.alloc(length);
      const got = readSync(fd, buffer, 0, length, this.offset);
      this.offset += got;
      const text = this.partial + buffer.subarray(0, got).toString('utf8');
      const lines = text.split(/\r?\n|\r/);
      this.partial = lines.pop() ?? '';
      return lines;
    } finally {
      closeSync(fd);
    }
  }

  /** Whatever is left, including an unterminated last line (the process has exited). */
  drain(): string[] {
    const lines = this.read();
    if (this.partial !== '') lines.push(this.partial);
    this.partial = '';
    return lines;
  }
}

/** The last `count` lines of a file ('' lines kept out); reads at most the last 4 MiB. */
export function lastLines(file: string, count: number): string[] {
  if (!existsSync(file)) return [];
  const size = statSync(file).size;
  const window = 4 << 20;
  let text: string;
  if (size <= window) {
    text = readFileSync(file, 'utf8');
  } else {
    const fd = openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(window);
      const got = readSync(fd, buffer, 0, window, size - window);
      text = buffer.subarray(0, got).toString('utf8');
      text = text.slice(text.indexOf('\n') + 1); // drop the cut first line
    } finally {
      closeSync(fd);
    }
  }
  return text.split(/\r?\n|\r/).filter((line) => line !== '').slice(-count);
}
