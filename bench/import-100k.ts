/**
 * Import benchmark: a file of N rows (default 100,000) sharing ~100 images, imported into a
 * fresh project. Prints rows/s, seconds and peak memory as a line and as JSON.
 *
 *   npx tsx bench/import-100k.ts [--rows 100000] [--images 100] [--shape seed|sharegpt] [--reimport] [--keep]
 *
 * --shape seed (default): seed-format JSONL. --shape sharegpt: LLaMA-Factory sharegpt ranking
 * rows as one JSON array, the way LLaMA-Factory ships them (a system prompt on every third row,
 * three-turn conversations on every other row, an `<image>` placeholder in the last user turn),
 * auto-detected like any user file.
 * --reimport also times importing the same file again (every row "unchanged").
 */
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { importDataset } from '../app/dataset/import-dataset';
import { ProjectStore } from '../app/store/project-store';

interface BenchResult {
  rows: number;
  images: number;
  fileBytes: number;
  seconds: number;
  /** CPU time of this process during the import (user + system); steadier than wall time on a busy machine. */
  cpuSeconds: number;
  rowsPerSecond: number;
  added: number;
  errors: number;
  peakRssMiB: number;
  baselineRssMiB: number;
  peakHeapUsedMiB: number;
  projectBytes: number;
  /** With --reimport: seconds to import the same file again (nothing changes). */
  reimportSeconds?: number;
}

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    images: { type: 'string', default: '100' },
    reimport: { type: 'boolean', default: false },
    shape: { type: 'string', default: 'seed' },
    keep: { type: 'boolean', default: false },
  },
});
const rowCount = Number(values.rows);
const imageCount = Number(values.images);

async function writeImages(dir: string): Promise<string[]> {
  await mkdir(join(dir, 'images'), { recursive: true });
  const names: string[] = [];
  for (let i = 0; i < imageCount; i++) {
    const name = `images/img-${i}.png`;
    await sharp({ create: { width: 224, height: 224, channels: 3, background: { r: (i * 37) % 256, g: (i * 91) % 256, b: (i * 53) % 256 } } })
      .png()
      .toFile(join(dir, name));
    names.push(name);
  }
  return names;
}

/** Streams the rows to disk so the generator itself does not inflate the memory figures. */
async function writeRows(file: string, images: string[]): Promise<void> {
  const stream = createWriteStream(file);
  for (let i = 0; i < rowCount; i++) {
    const n = 2 + (i % 3);
    const row = {
      id: `bench-${i}`,
      query: `Question ${i}: what is in the picture, and which answer describes it best?`,
      image: images[i % images.length],
      response: Array.from({ length: n }, (_, k) => `Candidate answer ${k} for row ${i}, with a sentence of realistic length.`),
      human_ranking: i % 4 === 0 ? null : Array.from({ length: n }, (_, k) => (k + i) % n),
    };
    if (!stream.write(`${JSON.stringify(row)}\n`)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'finish');
}

/** LLaMA-Factory sharegpt ranking rows, written as one JSON array (streamed element by element). */
async function writeShareGptRows(file: string, images: string[]): Promise<void> {
  const stream = createWriteStream(file);
  stream.write('[\n');
  for (let i = 0; i < rowCount; i++) {
    const turns =
      i % 2 === 0
        ? [
            { from: 'human', value: `Earlier question ${i} about the scene.` },
            { from: 'gpt', value: `An earlier answer for row ${i}, one sentence long.` },
          ]
        : [];
    const row = {
      id: `bench-${i}`,
      conversations: [...turns, { from: 'human', value: `<image>Question ${i}: which answer describes the picture best?` }],
      chosen: { from: 'gpt', value: `Candidate answer 0 for row ${i}, with a sentence of realistic length.` },
      rejected: { from: 'gpt', value: `Candidate answer 1 for row ${i}, with a sentence of realistic length.` },
      ...(i % 3 === 0 ? { system: 'You are a careful visual assistant.' } : {}),
      images: [images[i % images.length]],
    };
    if (!stream.write(`${i === 0 ? '' : ',\n'}${JSON.stringify(row)}`)) await once(stream, 'drain');
  }
  stream.end('\n]\n');
  await once(stream, 'finish');
}

async function folderBytes(dir: string): Promise<number> {
  const { readdir } = await import('node:fs/promises');
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'rs-bench-'));
  try {
    const data = join(work, 'data');
    const images = await writeImages(data);
    const sharegpt = values.shape === 'sharegpt';
    const file = join(data, sharegpt ? 'bench-sharegpt.json' : 'bench.jsonl');
    await (sharegpt ? writeShareGptRows(file, images) : writeRows(file, images));
    const fileBytes = (await stat(file)).size;
    global.gc?.();
    const baseline = process.memoryUsage();
    let peakRss = baseline.rss;
    let peakHeap = baseline.heapUsed;
    const sampler = setInterval(() => {
      const usage = process.memoryUsage();
      peakRss = Math.max(peakRss, usage.rss);
      peakHeap = Math.max(peakHeap, usage.heapUsed);
    }, 20);
    const store = ProjectStore.create(join(work, 'project'), { name: 'Bench' });
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const report = await importDataset(store, file);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    let reimportSeconds: number | undefined;
    if (values.reimport) {
      const again = performance.now();
      const second = await importDataset(store, file);
      reimportSeconds = Math.round(((performance.now() - again) / 1000) * 100) / 100;
      if (second.added !== 0 || second.unchanged !== report.added) throw new Error('re-import changed the project');
    }
    clearInterval(sampler);
    store.close();
    const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    const result: BenchResult = {
      rows: report.rowsRead,
      images: report.imagesAdded,
      fileBytes,
      seconds: Math.round(seconds * 100) / 100,
      cpuSeconds: Math.round((cpu.user + cpu.system) / 1e4) / 100,
      rowsPerSecond: Math.round(report.rowsRead / seconds),
      added: report.added,
      errors: report.errorCount,
      peakRssMiB: mib(peakRss),
      baselineRssMiB: mib(baseline.rss),
      peakHeapUsedMiB: mib(peakHeap),
      projectBytes: await folderBytes(join(work, 'project')),
      ...(reimportSeconds === undefined ? {} : { reimportSeconds }),
    };
    console.log(
      `import ${result.rows} ${values.shape} rows as ${report.format} (${mib(fileBytes)} MiB, ${result.images} images): ${result.seconds} s (CPU ${result.cpuSeconds} s), ` +
        `${result.rowsPerSecond} rows/s, peak RSS ${result.peakRssMiB} MiB (baseline ${result.baselineRssMiB}), peak heap ${result.peakHeapUsedMiB} MiB` +
        (reimportSeconds === undefined ? '' : `; re-import (all unchanged) ${reimportSeconds} s`),
    );
    console.log(JSON.stringify(result));
    if (values.keep) console.log(`kept: ${work}`);
  } finally {
    if (!values.keep) await rm(work, { recursive: true, force: true });
  }
}

await main();
