import { createWriteStream, type WriteStream } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { convertDataset, pathKind, splitFiles, type ConvertOptions, type ConvertReport } from '../dataset/convert-dataset';
import { formatNames } from '../dataset/formats';
import { StudioError } from '../errors';
import { parseCommandArgs } from './cli-args';
import { MAP_FLAGS, mappingFromFlags, printRejected } from './import-command';

export const convertHelp = `reward-studio convert INPUT --out OUT.jsonl [--format auto|NAME] [--dataset NAME] [--include-unlabeled]
                       [--report FILE] [--map-prompt COL] [--map-responses COL,COL,...] ...

Writes preference data in any format the import reads as seed JSON Lines (the rows
"reward-studio export --format seed" writes: id, query, image, response, human_ranking, plus
messages, tools, margin and the source's other columns when there are any), without a project.
Image paths are written absolute; embedded images (Parquet bytes) are written to OUT's folder as
images/<sha256>.<ext>, with that relative path. Items with no preference are left out (and
reported) unless --include-unlabeled, which writes them with "human_ranking": null.

INPUT may be a folder: each data file in it named like a split (train*, test*, validation*,
val*, dev*, eval*; .jsonl, .json, .parquet, also .gz or .zst) is converted to OUT/<split>.jsonl,
OUT being a folder; the split is the name up to its first "-" or "." (train-00000-of-00002.parquet
and train-00001-of-00002.parquet both go to train.jsonl). Without such files the folder's data/
subfolder is searched.

  --format NAME       force a reader (default auto: detected per file): ${formatNames().join(', ')}
  --dataset NAME      INPUT is LLaMA-Factory's dataset_info.json: convert its entry NAME.
  --map-prompt COL, --map-conversation COL, --map-system COL, --map-responses COL,COL[,...],
  --map-response-list COL, --map-preference COL, --map-images COL, --map-id COL
                      column mapping for files no format fits, as for import.
  --report FILE       write every row left out to FILE as JSON Lines ({line, reason, message}).

Rows left out are printed on stderr, counted by reason. stdout is one JSON line:
  {"output": OUT, "items": N, "skipped": M, "format": NAME}
  folder: {"output": OUT, "splits": {"train": {"items": N, "skipped": M, "format": NAME}, ...}}
  (a split whose files cannot be read has "format": null and "error"; a split with no item has no file).
Exit status: 0 at least one item written; 2 a usage error, or nothing could be converted (no
file is written then); 1 the conversion failed.`;

interface SplitSummary {
  items: number;
  skipped: number;
  format: string | null;
  error?: string;
}

export async function convertCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('convert', argv, {
    out: { type: 'string' },
    format: { type: 'string' },
    dataset: { type: 'string' },
    report: { type: 'string' },
    'include-unlabeled': { type: 'boolean' },
    ...MAP_FLAGS,
  });
  if (values.help) {
    console.log(convertHelp);
    return 0;
  }
  const input = positionals[0];
  if (!input) throw new StudioError('invalid_input', 'convert: INPUT is missing.', convertHelp);
  if (positionals.length > 1) throw new StudioError('invalid_input', `convert: one INPUT only; got ${positionals.length} (${positionals.join(', ')}).`);
  if (!values.out) throw new StudioError('invalid_input', 'convert: --out is missing (OUT.jsonl, or a folder when INPUT is a folder).', convertHelp);
  const format = values.format ?? 'auto';
  if (format !== 'auto' && format !== 'parquet' && !formatNames().includes(format)) {
    throw new StudioError('invalid_input', `--format must be auto or one of ${formatNames().join(', ')}; got "${format}".`);
  }
  const source = resolve(input);
  const out = resolve(values.out);
  const kind = await pathKind(source);
  if (kind === 'missing') throw new StudioError('invalid_input', `convert: ${input} does not exist.`, 'Give a data file or a dataset folder.');
  if (out === source) throw new StudioError('invalid_input', 'convert: --out is INPUT itself; write the seed JSONL somewhere else.');
  if (kind === 'folder' && values.dataset !== undefined) {
    throw new StudioError('invalid_input', 'convert: --dataset names an entry of a dataset_info.json file; give that file as INPUT, not a folder.');
  }
  const outKind = await pathKind(out);
  if (kind === 'file' && outKind === 'folder') throw new StudioError('invalid_input', `convert: --out ${values.out} is a folder; name the .jsonl file to write.`);
  if (kind === 'folder' && outKind === 'file') {
    throw new StudioError('invalid_input', `convert: INPUT is a folder, so --out is a folder to write <split>.jsonl into; ${values.out} is a file.`);
  }

  const reportFile: WriteStream | null = values.report === undefined ? null : createWriteStream(values.report);
  const options: ConvertOptions = {
    format,
    dataset: values.dataset,
    mapping: mappingFromFlags(values),
    includeUnlabeled: values['include-unlabeled'] ?? false,
    onRowError: reportFile === null ? undefined : (error) => reportFile.write(`${JSON.stringify(error)}\n`),
  };
  try {
    if (kind === 'file') {
      const report = await convertOrExplain([source], out, options);
      if (report === null) return 2;
      console.log(JSON.stringify({ output: out, items: report.items, skipped: report.skipped, format: report.format }));
      if (report.items === 0) {
        console.error(`reward-studio: nothing to convert in ${input}: no row became an item (see the reasons above); ${values.out} was not written.`);
        return 2;
      }
      return 0;
    }
    const splits = await splitFiles(source);
    if (splits.size === 0) {
      console.error(
        `reward-studio: ${input} has no data files named like a split (train*, test*, validation*, val*, dev*, eval* with .jsonl, .json, .parquet, .gz, .zst), nor in its data/ subfolder.`,
      );
      console.error('Name the files train.jsonl, test.jsonl, …, or convert one file at a time (a dataset_info.json: convert FILE --dataset NAME).');
      return 2;
    }
    const summary: Record<string, SplitSummary> = {};
    for (const [split, files] of splits) {
      const report = await convertOrExplain(files, join(out, `${split}.jsonl`), options, (message) => {
        summary[split] = { items: 0, skipped: 0, format: null, error: message };
      });
      if (report !== null) summary[split] = { items: report.items, skipped: report.skipped, format: report.format };
    }
    console.log(JSON.stringify({ output: out, splits: summary }));
    if (Object.values(summary).every((split) => split.items === 0)) {
      console.error(`reward-studio: nothing to convert in ${input}: no split has an item; nothing was written.`);
      return 2;
    }
    return 0;
  } finally {
    if (reportFile !== null) await new Promise<void>((resolveEnd) => reportFile.end(resolveEnd));
  }
}

/**
 * Converts and tells stderr what happened; a file that cannot be read at all (missing, not
 * recognised, damaged) is explained there and gives null instead of an error.
 */
async function convertOrExplain(
  files: string[],
  out: string,
  options: ConvertOptions,
  onUnreadable?: (message: string) => void,
): Promise<ConvertReport | null> {
  let report: ConvertReport;
  try {
    report = await convertDataset(files, out, options);
  } catch (error) {
    if (!(error instanceof StudioError) || error.code !== 'bad_file') throw error;
    console.error(`reward-studio: ${error.message}${error.hint ? `\n${error.hint}` : ''}`);
    onUnreadable?.(error.message);
    return null;
  }
  printRejected({ ...report, errorCount: report.skipped }, (line) => console.error(line), (problem) => problem.message, 'left out');
  console.error(summaryLine(report));
  return report;
}

function summaryLine(report: ConvertReport): string {
  const names = report.files.map((file) => basename(file)).join(', ');
  const extra = [
    report.unlabeled > 0 ? `${report.unlabeled} of them unlabeled` : null,
    report.duplicates > 0 ? `${report.duplicates} repeated rows written once` : null,
    report.imagesWritten > 0 ? `${report.imagesWritten} embedded images written` : null,
    ...report.omissions.map((omission) => `${omission.items} items: ${omission.reason}`),
  ].filter((part) => part !== null);
  return (
    `Converted ${names} (${report.format}): ${report.rowsRead} rows, ${report.items} items written${report.written ? ` to ${report.out}` : ''}, ` +
    `${report.skipped} left out${extra.length > 0 ? `, ${extra.join(', ')}` : ''}, in ${(report.durationMs / 1000).toFixed(1)} s.`
  );
}
