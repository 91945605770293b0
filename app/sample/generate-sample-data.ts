/**
 * The sample task: "What colour is the shape?" over synthetic images.
 *
 * It is built so that the image is the only signal. Every colour is the right answer exactly
 * as often as it is a wrong answer (pairs cycle through all ordered colour pairs; 3- and
 * 4-response items use symmetric colour offsets), the response wording is drawn independently
 * of correctness, and the shape word is the same in every response of an item. A model that
 * ignores the image therefore scores 50% on pairs; a model that sees it can reach ~100%.
 * The training worker's acceptance test relies on exactly this property.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { seededRandom, shuffled } from '../random/seeded-shuffle';

export interface SampleColour {
  name: string;
  rgb: readonly [number, number, number];
}

export const SAMPLE_COLOURS: readonly SampleColour[] = [
  { name: 'red', rgb: [220, 38, 38] },
  { name: 'green', rgb: [22, 163, 74] },
  { name: 'blue', rgb: [37, 99, 235] },
  { name: 'yellow', rgb: [234, 179, 8] },
  { name: 'purple', rgb: [147, 51, 234] },
  { name: 'orange', rgb: [249, 115, 22] },
];

const SHAPES = ['circle', 'square', 'triangle'] as const;
type Shape = (typeof SHAPES)[number];

const QUERIES = [
  'What colour is the {shape} in this picture?',
  'Which colour does the {shape} have?',
  'Describe the colour of the {shape}.',
];
const ANSWERS = ['The {shape} is {colour}.', 'It is a {colour} {shape}.', '{Colour}.', 'I see a {colour} {shape}.'];

/** Offsets of the wrong colours for N-response items; each set is closed under c -> -c mod 6. */
const WRONG_OFFSETS: Record<3 | 4, readonly number[]> = { 3: [1, 5], 4: [2, 3, 4] };

export const SAMPLE_IMAGE_SIZE = 224;

export interface SampleRow {
  id: string;
  query: string;
  image: string;
  response: string[];
  human_ranking: number[];
}

export interface SampleDataOptions {
  items?: number;
  seed?: number;
  valRatio?: number;
}

export interface SampleDataResult {
  allFile: string;
  trainFile: string;
  valFile: string;
  imagesDir: string;
  items: number;
  train: number;
  val: number;
}

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)] as T;
}

function fill(template: string, shape: Shape, colour: string): string {
  const capitalised = colour.charAt(0).toUpperCase() + colour.slice(1);
  return template.replaceAll('{shape}', shape).replaceAll('{colour}', colour).replaceAll('{Colour}', capitalised);
}

/** All ordered (right, wrong) colour pairs, so right and wrong counts per colour are equal. */
function orderedColourPairs(): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (let right = 0; right < SAMPLE_COLOURS.length; right++) {
    for (let wrong = 0; wrong < SAMPLE_COLOURS.length; wrong++) {
      if (right !== wrong) pairs.push([right, wrong]);
    }
  }
  return pairs;
}

function shapeSvg(shape: Shape, colour: SampleColour, random: () => number): string {
  const size = SAMPLE_IMAGE_SIZE;
  const extent = size * (0.42 + random() * 0.2);
  const cx = size / 2 + (random() - 0.5) * (size - extent) * 0.8;
  const cy = size / 2 + (random() - 0.5) * (size - extent) * 0.8;
  const grey = Math.round(70 + random() * 120);
  const fillColour = `rgb(${colour.rgb.join(',')})`;
  const half = extent / 2;
  const body =
    shape === 'circle'
      ? `<circle cx="${cx}" cy="${cy}" r="${half}" fill="${fillColour}"/>`
      : shape === 'square'
        ? `<rect x="${cx - half}" y="${cy - half}" width="${extent}" height="${extent}" fill="${fillColour}"/>`
        : `<polygon points="${cx},${cy - half} ${cx + half},${cy + half} ${cx - half},${cy + half}" fill="${fillColour}"/>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">` +
    `<rect width="100%" height="100%" fill="rgb(${grey},${grey},${grey})"/>${body}</svg>`
  );
}

interface PlannedItem {
  right: number;
  wrong: number[];
}

/** Three in four items are pairs; the rest rank 3 or 4 responses (ties among the wrong ones). */
function planItems(count: number, random: () => number): PlannedItem[] {
  const pairCycle = orderedColourPairs();
  let pairQueue: Array<[number, number]> = [];
  const plan: PlannedItem[] = [];
  for (let index = 0; index < count; index++) {
    if (index % 4 === 3) {
      const n: 3 | 4 = index % 8 === 3 ? 3 : 4;
      const right = Math.floor(index / 8) % SAMPLE_COLOURS.length;
      plan.push({ right, wrong: WRONG_OFFSETS[n].map((offset) => (right + offset) % SAMPLE_COLOURS.length) });
      continue;
    }
    if (pairQueue.length === 0) pairQueue = shuffled(random, pairCycle);
    const [right, wrong] = pairQueue.pop() as [number, number];
    plan.push({ right, wrong: [wrong] });
  }
  return plan;
}

function isValidation(id: string, valRatio: number): boolean {
  const digest = createHash('sha256').update(`sample-split:${id}`).digest();
  return digest.readUInt32BE(0) / 4294967296 < valRatio;
}

function toJsonl(rows: readonly SampleRow[]): string {
  return rows.map((row) => JSON.stringify(row)).join('\n') + (rows.length > 0 ? '\n' : '');
}

export async function generateSampleData(outDir: string, options: SampleDataOptions = {}): Promise<SampleDataResult> {
  const count = options.items ?? 240;
  const valRatio = options.valRatio ?? 0.2;
  const random = seededRandom(options.seed ?? 7);
  const imagesDir = path.join(outDir, 'images');
  await mkdir(imagesDir, { recursive: true });

  const rows: SampleRow[] = [];
  const plan = planItems(count, random);
  for (const [index, item] of plan.entries()) {
    const id = `shape-${String(index + 1).padStart(5, '0')}`;
    const shape = pick(random, SHAPES);
    const colour = SAMPLE_COLOURS[item.right] as SampleColour;
    const imageName = `${id}.png`;
    await sharp(Buffer.from(shapeSvg(shape, colour, random)))
      .png({ compressionLevel: 9 })
      .toFile(path.join(imagesDir, imageName));

    const candidates = shuffled(random, [item.right, ...item.wrong]);
    rows.push({
      id,
      query: fill(pick(random, QUERIES), shape, colour.name),
      image: `images/${imageName}`,
      response: candidates.map((c) => fill(pick(random, ANSWERS), shape, (SAMPLE_COLOURS[c] as SampleColour).name)),
      human_ranking: candidates.map((c) => (c === item.right ? 0 : 1)),
    });
  }

  const val = rows.filter((row) => isValidation(row.id, valRatio));
  const train = rows.filter((row) => !isValidation(row.id, valRatio));
  const result: SampleDataResult = {
    allFile: path.join(outDir, 'all.jsonl'),
    trainFile: path.join(outDir, 'train.jsonl'),
    valFile: path.join(outDir, 'val.jsonl'),
    imagesDir,
    items: rows.length,
    train: train.length,
    val: val.length,
  };
  await writeFile(result.allFile, toJsonl(rows));
  await writeFile(result.trainFile, toJsonl(train));
  await writeFile(result.valFile, toJsonl(val));
  return result;
}
