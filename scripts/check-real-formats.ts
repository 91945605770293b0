/**
 * Imports every preference file of ../shared/real-formats (files exactly as LLaMA-Factory,
 * ms-swift, HH-RLHF, Label Studio, TRL and POVID ship them) with auto-detection, exports each
 * project to TRL JSONL, and checks that the exported conversations equal the source's turn by
 * turn. The expected turns are read from the source rows here, by a few lines per format written
 * independently of the readers in app/dataset/formats/, so a reader that drops or reorders a turn
 * is caught. Prints one line per file and exits 1 when any check fails.
 *
 *   npx tsx scripts/check-real-formats.ts [--shared ../shared]
 *
 * The files stay in shared/ and are never copied into the repository; tests use own fixtures.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import sharp from 'sharp';
import { existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { exportDataset } from '../app/dataset/export-dataset';
import { importDataset } from '../app/dataset/import-dataset';
import type { ImportReport } from '../app/dataset/types';
import { ProjectStore } from '../app/store/project-store';

const { values } = parseArgs({ options: { shared: { type: 'string', default: resolve(import.meta.dirname, '../../shared') } } });
const root = join(values.shared as string, 'real-formats');

/** A conversation as (role, text) turns, the way a person reads it. */
type Turns = [string, string][];
interface Pair {
  prompt: Turns;
  chosen: string;
  rejected: string;
}

interface Case {
  file: string;
  /** The file the pairs are read from, when not `file` (a dataset_info.json entry's file). */
  source?: string;
  /**
   * Images the sample rows name but the projects do not ship (SOURCES.md): written as stand-in
   * PNGs next to a copy of the file, so the rows' text is checked too.
   */
  standIns?: string[];
  /** Import options beyond auto-detection (a dataset_info.json entry). */
  dataset?: string;
  /** What the source says each pair is; absent for files whose rows are not pairs (KTO, SFT). */
  pairs?: (rows: unknown[]) => Pair[];
  /** Expected rows read (the count SOURCES.md gives). */
  rows?: number;
}

const norm = (text: string): string => text.replaceAll('<image>', '').trim();
const ROLE: Record<string, string> = { human: 'user', gpt: 'assistant', user: 'user', assistant: 'assistant', system: 'system' };
type Row = Record<string, unknown>;
type Msg = { role?: string; from?: string; content?: unknown; value?: unknown };

function text(content: unknown): string {
  if (typeof content === 'string') return norm(content);
  if (Array.isArray(content)) {
    return norm(
      content
        .filter((part: { type?: string }) => part.type === 'text')
        .map((part: { text?: string; value?: string }) => part.text ?? part.value ?? '')
        .join('\n'),
    );
  }
  return '';
}
const turn = (message: Msg): [string, string] => [ROLE[message.role ?? message.from ?? ''] ?? String(message.role ?? message.from), text(message.content ?? message.value)];

function sharedPrefix(a: Msg[], b: Msg[]): Pair {
  let shared = 0;
  while (shared < Math.min(a.length, b.length) - 1 && JSON.stringify(a[shared]) === JSON.stringify(b[shared])) shared++;
  return { prompt: a.slice(0, shared).map(turn), chosen: text(a[a.length - 1]?.content ?? a[a.length - 1]?.value), rejected: text(b[b.length - 1]?.content ?? b[b.length - 1]?.value) };
}

const sharegpt = (rows: unknown[]): Pair[] =>
  (rows as Row[]).map((row) => ({
    prompt: [...(typeof row.system === 'string' && row.system !== '' ? [['system', row.system] as [string, string]] : []), ...(row.conversations as Msg[]).map(turn)],
    chosen: text((row.chosen as Msg).value),
    rejected: text((row.rejected as Msg).value),
  }));

const swift = (rows: unknown[]): Pair[] =>
  (rows as Row[]).flatMap((row) => {
    const messages = row.messages as Msg[];
    if (row.rejected_images !== undefined && JSON.stringify(row.rejected_images) !== JSON.stringify(row.images)) return [];
    if (Array.isArray(row.rejected_messages)) return [sharedPrefix(messages, row.rejected_messages as Msg[])];
    const rejected = Array.isArray(row.rejected_response) ? text((row.rejected_response as Msg[])[0]?.content) : text(row.rejected_response);
    return [{ prompt: messages.slice(0, -1).map(turn), chosen: text(messages[messages.length - 1]?.content), rejected }];
  });

/** HH transcripts; a speaker marked twice in a row (a few rows) is one turn, as a chat template would show it. */
function hhTurns(conversation: string): Turns {
  const turns: Turns = [];
  for (const part of conversation.split(/\n\n(?=Human:|Assistant:)/)) {
    if (part.trim() === '') continue;
    const [role, body] = part.startsWith('Human:') ? ['user', part.slice(6).trim()] : ['assistant', part.slice(10).trim()];
    const last = turns[turns.length - 1];
    if (last !== undefined && last[0] === role) last[1] = [last[1], body].filter((text) => text !== '').join('\n\n');
    else turns.push([role, body]);
  }
  return turns;
}

const hh = (rows: unknown[]): Pair[] =>
  (rows as Row[]).flatMap((row) => {
    const a = hhTurns(row.chosen as string);
    const b = hhTurns(row.rejected as string);
    const prompt = a.slice(0, -1);
    if (JSON.stringify(prompt) !== JSON.stringify(b.slice(0, -1))) return [];
    const chosen = a[a.length - 1]?.[1] ?? '';
    const rejected = b[b.length - 1]?.[1] ?? '';
    return chosen === rejected ? [] : [{ prompt, chosen, rejected }];
  });

const CASES: Case[] = [
  { file: 'llama-factory/data/dpo_en_demo.json', pairs: sharegpt, rows: 300 },
  { file: 'llama-factory/data/dpo_zh_demo.json', pairs: sharegpt, rows: 300 },
  { file: 'llama-factory/data/dataset_info.json', dataset: 'dpo_en_demo', source: 'llama-factory/data/dpo_en_demo.json', pairs: sharegpt, rows: 300 },
  { file: 'llama-factory/data/kto_en_demo.json', rows: 300 },
  { file: 'llama-factory/data/v1_dpo_demo.jsonl', rows: 10, pairs: (rows) => (rows as Row[]).map((row) => sharedPrefix(row.chosen_messages as Msg[], row.rejected_messages as Msg[])) },
  { file: 'ms-swift/extracted/dpo_rm_text.lines143-144.jsonl', pairs: swift },
  { file: 'ms-swift/extracted/mm_rejected_messages.lines155-156.jsonl', pairs: swift, standIns: ['kitten.png', 'puppy.png'] },
  { file: 'ms-swift/extracted/mm_rejected_response_or_images.lines162-163.jsonl', pairs: swift, standIns: ['kitten.png', 'puppy.png'] },
  { file: 'ms-swift/extracted/mm_rejected_response_as_message.line165.jsonl', pairs: swift, standIns: ['kitten.png', 'puppy.png'] },
  { file: 'ms-swift/extracted/agent_rejected_response.line172.jsonl' },
  { file: 'ms-swift/extracted/kto.lines194-195.jsonl' },
  { file: 'trl/extracted/preference_conversational_explicit.lines360-362.jsonl', pairs: (rows) => (rows as Row[]).map((row) => ({ prompt: (row.prompt as Msg[]).map(turn), chosen: text((row.chosen as Msg[])[0]?.content), rejected: text((row.rejected as Msg[])[0]?.content) })) },
  { file: 'trl/extracted/preference_conversational_implicit.lines364-367.jsonl', pairs: (rows) => (rows as Row[]).map((row) => sharedPrefix(row.chosen as Msg[], row.rejected as Msg[])) },
  { file: 'trl/extracted/preference_standard_explicit.line354.jsonl', pairs: (rows) => (rows as Row[]).map((row) => ({ prompt: [['user', norm(row.prompt as string)]], chosen: norm(row.chosen as string), rejected: norm(row.rejected as string) })) },
  { file: 'trl/extracted/preference_standard_implicit.line356.jsonl' },
  { file: 'trl/extracted/unpaired_preference_conversational.lines382-384.jsonl' },
  { file: 'trl/extracted/unpaired_preference_standard.line380.jsonl' },
  { file: 'hh-rlhf/harmless-base/test.jsonl.gz', pairs: hh, rows: 2312 },
  { file: 'hh-rlhf/harmless-base/test.first200.jsonl', pairs: hh, rows: 200 },
  { file: 'label-studio/HumanSignal-RLHF/tutorials/ls_output_data.json', rows: 32 },
  { file: 'label-studio/HumanSignal-RLHF/tutorials/ls_input_data.json' },
  { file: 'povid/extracted/preference_element.README-lines72-95.json', pairs: (rows) => (rows as Row[]).map((row) => sharedPrefix(row.conversations as Msg[], row.rejected_conversations as Msg[])), standIns: ['data/coco/COCO_train2014_000000353952.jpg'] },
];

async function sourceRows(file: string): Promise<unknown[]> {
  const bytes = await readFile(file);
  const body = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8').trim();
  if (body.startsWith('[')) return JSON.parse(body) as unknown[];
  if (body.startsWith('{') && !body.includes('\n{')) return [JSON.parse(body)];
  return body.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as unknown);
}

/** A copy of the file beside stand-in images at the paths its rows name. */
async function withStandIns(file: string, images: string[], dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const copy = join(dir, basename(file));
  await copyFile(file, copy);
  for (const [index, image] of images.entries()) {
    await mkdir(dirname(join(dir, image)), { recursive: true });
    await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 40 * index, g: 120, b: 200 } } })
      .toFormat(image.endsWith('.jpg') ? 'jpeg' : 'png')
      .toFile(join(dir, image));
  }
  return copy;
}

const pairKey = (pair: Pair): string => JSON.stringify([pair.prompt, pair.chosen, pair.rejected]);

/** The exported TRL pairs, as turns (images left out: they are checked by the readers' tests). */
async function exportedPairs(out: string): Promise<Pair[]> {
  const lines = (await readFile(out, 'utf8')).split('\n').filter((line) => line !== '');
  return lines.map((line) => {
    const row = JSON.parse(line) as { chosen: Msg[]; rejected: Msg[] };
    return sharedPrefix(row.chosen, row.rejected);
  });
}

function summary(report: ImportReport): string {
  const reasons = (report.reasons ?? []).map((group) => `${group.count} × ${group.reason}`).join('; ');
  const unpaired = report.unpaired === undefined ? '' : `, unpaired ${report.unpaired.rows} rows → ${report.unpaired.items} items (${report.unpaired.oneKind} one-kind)`;
  return `${report.format} ${Math.round((report.confidence ?? 0) * 100)}%: ${report.rowsRead} rows, ${report.added} added, ${report.duplicates ?? 0} repeated, ${report.labeled} labeled, ${report.errorCount} rejected${unpaired}${reasons === '' ? '' : ` [${reasons}]`}`;
}

async function main(): Promise<void> {
  if (!existsSync(root)) throw new Error(`${root} not found; pass --shared PATH`);
  const work = await mkdtemp(join(tmpdir(), 'rs-real-formats-'));
  let failures = 0;
  try {
    for (const [index, check] of CASES.entries()) {
      const file = check.standIns === undefined ? join(root, check.file) : await withStandIns(join(root, check.file), check.standIns, join(work, `s${index}`));
      const store = ProjectStore.create(join(work, `p${index}`), { name: `real ${index}` });
      try {
        const report = await importDataset(store, file, check.dataset === undefined ? {} : { dataset: check.dataset });
        const problems: string[] = [];
        if (check.rows !== undefined && report.rowsRead !== check.rows) problems.push(`expected ${check.rows} rows`);
        let turns = '';
        if (check.pairs !== undefined) {
          const out = join(work, `p${index}.trl.jsonl`);
          await exportDataset(store, { format: 'trl', split: 'all', out, images: 'absolute' });
          // The studio refuses a response with no text (its rule everywhere: readers, worker, scoring API),
          // so pairs with an empty answer are expected in the report's reasons, not in the export.
          const sourcePairs = check.pairs(await sourceRows(check.source === undefined ? file : join(root, check.source)));
          const withText = sourcePairs.filter((pair) => pair.chosen !== '' && pair.rejected !== '');
          const empty = sourcePairs.length - withText.length;
          if (empty > 0 && !(report.reasons ?? []).some((group) => group.reason.includes('response is empty') && group.count === empty)) {
            problems.push(`${empty} source pairs have an empty answer but the report does not reject exactly those`);
          }
          const expected = new Set(withText.map(pairKey));
          const exported = new Set((await exportedPairs(out)).map(pairKey));
          const missing = [...expected].filter((key) => !exported.has(key));
          const extra = [...exported].filter((key) => !expected.has(key));
          turns = ` · TRL export: ${exported.size} distinct pairs, ${expected.size - missing.length}/${expected.size} equal the source turn by turn${empty > 0 ? ` (${empty} with an empty answer refused)` : ''}`;
          if (missing.length > 0) problems.push(`${missing.length} source pairs differ, e.g. ${missing[0]?.slice(0, 300)}`);
          if (extra.length > 0) problems.push(`${extra.length} exported pairs not in the source, e.g. ${extra[0]?.slice(0, 300)}`);
        }
        const standIns = check.standIns === undefined ? '' : ' (stand-in images)';
        console.log(`${problems.length === 0 ? 'ok  ' : 'FAIL'} ${check.file}${check.dataset ? ` --dataset ${check.dataset}` : ''}${standIns}: ${summary(report)}${turns}`);
        for (const problem of problems) console.log(`       ${problem}`);
        failures += problems.length > 0 ? 1 : 0;
      } catch (error) {
        failures += 1;
        console.log(`FAIL ${check.file}: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        store.close();
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  console.log(failures === 0 ? `all ${CASES.length} files import and match` : `${failures} of ${CASES.length} files failed`);
  process.exitCode = failures === 0 ? 0 : 1;
}

await main();
