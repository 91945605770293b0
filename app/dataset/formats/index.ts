/**
 * Every format the studio reads, in the order detection breaks ties (more specific first).
 * A new format is one module in this folder, one line here, and a section in FORMATS.md.
 */
import { argillaReader } from './argilla';
import type { FormatReader } from './format-reader';
import { hhRlhfReader } from './hh-rlhf';
import { labelStudioReader } from './label-studio';
import { llamaFactoryAlpacaReader, llamaFactorySharegptReader } from './llama-factory';
import { llamaFactoryV1Reader } from './llama-factory-v1';
import { llavaReader } from './llava';
import { mappedReader } from './mapped';
import { msSwiftReader } from './ms-swift';
import { rlaifVReader } from './rlaif-v';
import { seedReader } from './seed';
import { trlReader } from './trl';
import { unpairedReader } from './unpaired';

// `mapped` last and with fit 0: it reads through a person's column mapping, never by detection.
export const FORMAT_READERS: readonly FormatReader[] = [
  seedReader,
  // Before trl: both see chosen/rejected strings; only HH's carry Human:/Assistant: turns.
  hhRlhfReader,
  trlReader,
  llamaFactoryAlpacaReader,
  llamaFactorySharegptReader,
  llamaFactoryV1Reader,
  msSwiftReader,
  llavaReader,
  rlaifVReader,
  unpairedReader,
  labelStudioReader,
  argillaReader,
  mappedReader,
];

export function readerNamed(name: string): FormatReader | undefined {
  return FORMAT_READERS.find((reader) => reader.name === name);
}

export function formatNames(): string[] {
  return FORMAT_READERS.map((reader) => reader.name);
}
