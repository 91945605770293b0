/**
 * Streams files as one .zip (stored, not compressed: exports are JSON Lines next to images that are
 * already compressed) without a temporary file: each entry's CRC and size follow its data in a
 * data descriptor, and the central directory comes at the end. Classic zip only, so the whole
 * archive stays under 4 GiB and 65,535 entries; `zipLimitProblem` says so before anything is sent.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { crc32 } from 'node:zlib';

export interface ZipEntry {
  /** The path inside the archive, with forward slashes. */
  name: string;
  /** The file on disk. */
  file: string;
}

const LOCAL_HEADER = 0x04034b50;
const DATA_DESCRIPTOR = 0x08074b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
/** Bit 3: sizes and CRC follow the data; bit 11: names are UTF-8. */
const FLAGS = 0x0808;
const VERSION = 20;
const MAX_CLASSIC = 0xffff_ffff;
const MAX_ENTRIES = 0xffff;

interface Written {
  name: Buffer;
  crc: number;
  size: number;
  offset: number;
}

/** Null when the files fit a classic zip, else what to do instead. */
export async function zipLimitProblem(entries: readonly ZipEntry[]): Promise<string | null> {
  if (entries.length > MAX_ENTRIES) return `${entries.length} files are more than a zip holds (${MAX_ENTRIES}).`;
  let total = 0;
  for (const entry of entries) total += (await stat(entry.file)).size + 100 + Buffer.byteLength(entry.name);
  return total >= MAX_CLASSIC ? 'The export with its images is over 4 GiB, more than a zip download holds.' : null;
}

/** A DOS date and time, which is all a classic zip entry keeps. */
function dosDateTime(date: Date): { time: number; date: number } {
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
    date: ((date.getFullYear() - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

async function send(out: Writable, chunk: Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

function localHeader(name: Buffer, when: { time: number; date: number }): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(LOCAL_HEADER, 0);
  header.writeUInt16LE(VERSION, 4);
  header.writeUInt16LE(FLAGS, 6);
  header.writeUInt16LE(0, 8); // stored
  header.writeUInt16LE(when.time, 10);
  header.writeUInt16LE(when.date, 12);
  // CRC and sizes (14..25) stay 0: the data descriptor carries them.
  header.writeUInt16LE(name.length, 26);
  return Buffer.concat([header, name]);
}

function dataDescriptor(crc: number, size: number): Buffer {
  const descriptor = Buffer.alloc(16);
  descriptor.writeUInt32LE(DATA_DESCRIPTOR, 0);
  descriptor.writeUInt32LE(crc, 4);
  descriptor.writeUInt32LE(size, 8);
  descriptor.writeUInt32LE(size, 12);
  return descriptor;
}

function centralHeader(entry: Written, when: { time: number; date: number }): Buffer {
  const header = Buffer.alloc(46);
  header.writeUInt32LE(CENTRAL_HEADER, 0);
  header.writeUInt16LE(VERSION, 4);
  header.writeUInt16LE(VERSION, 6);
  header.writeUInt16LE(FLAGS, 8);
  header.writeUInt16LE(0, 10);
  header.writeUInt16LE(when.time, 12);
  header.writeUInt16LE(when.date, 14);
  header.writeUInt32LE(entry.crc, 16);
  header.writeUInt32LE(entry.size, 20);
  header.writeUInt32LE(entry.size, 24);
  header.writeUInt16LE(entry.name.length, 28);
  header.writeUInt32LE(entry.offset, 42);
  return Buffer.concat([header, entry.name]);
}

function endOfCentralDirectory(count: number, size: number, offset: number): Buffer {
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(size, 12);
  end.writeUInt32LE(offset, 16);
  return end;
}

/** Writes the archive to `out` (not ended: the caller ends it); check `zipLimitProblem` first. */
export async function writeZip(entries: readonly ZipEntry[], out: Writable, now: Date = new Date()): Promise<void> {
  const when = dosDateTime(now);
  const written: Written[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const header = localHeader(name, when);
    await send(out, header);
    let crc = 0;
    let size = 0;
    for await (const chunk of createReadStream(entry.file)) {
      const bytes = chunk as Buffer;
      crc = crc32(bytes, crc);
      size += bytes.length;
      await send(out, bytes);
    }
    await send(out, dataDescriptor(crc, size));
    written.push({ name, crc, size, offset });
    offset += header.length + size + 16;
  }
  const directory = Buffer.concat(written.map((entry) => centralHeader(entry, when)));
  await send(out, directory);
  await send(out, endOfCentralDirectory(written.length, directory.length, offset));
}
