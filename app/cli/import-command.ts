import { createWriteStream, type WriteStream } from 'node:fs';
import { formatNames } from '../dataset/formats';
import { importDataset } from '../dataset/import-dataset';
import type { ColumnMapping, ImportReport, ImportRowError } from '../dataset/types';
import { StudioError } from '../errors';
import { parseCommandArgs } from './cli-args';
import { openProjectOption } from './project-option';

export const importHelp = `reward-studio import FILE [--project DIR] [--format auto|NAME] [--dataset NAME] [--split auto|train|val|test]
                         [--annotator NAME] [--report FILE] [--map-prompt COL] [--map-responses COL,COL,...] ...

Imports preference data into a project. The format is detected from the first rows (a ranked
guess over every reader); --format NAME forces one of:
  ${formatNames().join(', ')}
JSON Lines, JSON arrays and Parquet are read, also gzip- or zstd-compressed (.gz, .zst).

  --dataset NAME      FILE is LLaMA-Factory's dataset_info.json: import its entry NAME
                      (its file_name, formatting, columns and tags are honoured).
  --report FILE       write every rejected row to FILE as JSON Lines ({line, reason, message}).
  --map-prompt COL    column mapping for files no format fits (implies --format mapped):
  --map-conversation COL, --map-system COL, --map-responses COL,COL[,...] (best first without
  --map-preference), --map-response-list COL, --map-preference COL, --map-images COL, --map-id COL

Rejected rows are counted by reason, with the first line numbers of each. Ctrl-C stops the import
between batches: the rows already imported stay (importing the file again skips them) and the
partial report is printed. Exit status: 0 all rows fine, 3 some rows were rejected, 1 the import
failed, 130 stopped by Ctrl-C.`;

/** The exit status of a command stopped by SIGINT (128 + 2), as shells report it. */
const EXIT_INTERRUPTED = 130;

const SPLITS = ['auto', 'train', 'val', 'test'] as const;
/** Rejected rows printed one per line before the import switches to counts per reason. */
const ROWS_PRINTED_IN_FULL = 20;
const ROWS_PRINTED_PER_REASON = 3;

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new StudioError('invalid_input', `--${name} must be one of ${allowed.join(', ')}; got "${value}".`);
}

export { oneOf };

export const MAP_FLAGS = {
  'map-prompt': { type: 'string' },
  'map-conversation': { type: 'string' },
  'map-system': { type: 'string' },
  'map-responses': { type: 'string' },
  'map-response-list': { type: 'string' },
  'map-preference': { type: 'string' },
  'map-images': { type: 'string' },
  'map-id': { type: 'string' },
} as const;

/** The --map-* flags as a ColumnMapping, or undefined when none was given. */
export function mappingFromFlags(values: Partial<Record<keyof typeof MAP_FLAGS, string | undefined>>): ColumnMapping | undefined {
  const mapping: ColumnMapping = {};
  if (values['map-prompt'] !== undefined) mapping.prompt = values['map-prompt'];
  if (values['map-conversation'] !== undefined) mapping.conversation = values['map-conversation'];
  if (values['map-system'] !== undefined) mapping.system = values['map-system'];
  if (values['map-responses'] !== undefined) {
    mapping.responses = values['map-responses'].split(',').map((column) => column.trim()).filter((column) => column !== '');
    if (mapping.responses.length < 2) throw new StudioError('invalid_input', '--map-responses needs at least two columns, comma-separated (e.g. chosen,rejected).');
  }
  if (values['map-response-list'] !== undefined) mapping.responseList = values['map-response-list'];
  if (values['map-preference'] !== undefined) mapping.preference = values['map-preference'];
  if (values['map-images'] !== undefined) mapping.images = values['map-images'];
  if (values['map-id'] !== undefined) mapping.id = values['map-id'];
  return Object.keys(mapping).length === 0 ? undefined : mapping;
}

export async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('import', argv, {
    project: { type: 'string' },
    format: { type: 'string' },
    dataset: { type: 'string' },
    split: { type: 'string' },
    annotator: { type: 'string' },
    report: { type: 'string' },
    ...MAP_FLAGS,
  });
  if (values.help) {
    console.log(importHelp);
    return 0;
  }
  const file = positionals[0];
  if (!file) throw new StudioError('invalid_input', 'import: FILE is missing.', importHelp);
  const format = values.format ?? 'auto';
  if (format !== 'auto' && format !== 'parquet' && !formatNames().includes(format)) {
    throw new StudioError('invalid_input', `--format must be auto or one of ${formatNames().join(', ')}; got "${format}".`);
  }
  const store = openProjectOption('import', values.project);
  const reportFile: WriteStream | null = values.report === undefined ? null : createWriteStream(values.report);
  // Ctrl-C stops at the next batch boundary; a second one ends the process at once.
  const stop = new AbortController();
  const interrupt = (): void => {
    if (stop.signal.aborted) process.exit(EXIT_INTERRUPTED);
    stop.abort();
    if (process.stderr.isTTY) process.stderr.write('\n');
    process.stderr.write('Stopping the import after the current batch (Ctrl-C again to quit at once)…\n');
  };
  process.on('SIGINT', interrupt);
  try {
    let lastShown = 0;
    const report = await importDataset(store, file, {
      signal: stop.signal,
      format,
      dataset: values.dataset,
      mapping: mappingFromFlags(values),
      split: oneOf('split', values.split, SPLITS, 'auto'),
      annotator: values.annotator,
      onRowError: reportFile === null ? undefined : (error) => reportFile.write(`${JSON.stringify(error)}\n`),
      onProgress: (progress) => {
        if (process.stderr.isTTY && Date.now() - lastShown > 250) {
          lastShown = Date.now();
          process.stderr.write(`\r${progress.rowsRead} rows read, ${progress.added} added, ${progress.errors} rejected`);
        }
      },
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    printRejected(report, console.log, (problem) => `${report.file}:${problem.line}: ${problem.reason}`);
    console.log(summaryLine(report));
    if (reportFile !== null) console.log(`Every rejected row is in ${values.report}.`);
    if (report.cancelled) {
      console.log('Stopped by Ctrl-C: the rows counted above are kept; import the file again to add the rest (rows already in are skipped).');
      return EXIT_INTERRUPTED;
    }
    return report.errorCount > 0 ? 3 : 0;
  } finally {
    process.off('SIGINT', interrupt);
    if (reportFile !== null) await new Promise<void>((resolve) => reportFile.end(resolve));
    store.close();
  }
}

/**
 * A few rejected rows in full, then (for many) one line per reason with its count and first
 * lines, through `print` (import: stdout; convert: stderr, its stdout is the JSON summary).
 */
export function printRejected(
  report: Pick<ImportReport, 'errorCount' | 'errors' | 'reasons'>,
  print: (line: string) => void,
  describe: (problem: ImportRowError) => string,
  verb = 'rejected',
): void {
  if (report.errorCount <= ROWS_PRINTED_IN_FULL) {
    for (const problem of report.errors) print(describe(problem));
    return;
  }
  const reasons = report.reasons ?? [];
  print(`${report.errorCount} rows ${verb}, for ${reasons.length} ${reasons.length === 1 ? 'reason' : 'reasons'}:`);
  for (const group of reasons) {
    const more = group.count > group.lines.length ? ', …' : '';
    print(`  ${group.count} × ${group.reason} (line${group.lines.length > 1 ? 's' : ''} ${group.lines.join(', ')}${more})`);
    for (const line of group.lines.slice(0, ROWS_PRINTED_PER_REASON)) {
      const error = report.errors.find((candidate) => candidate.line === line);
      if (error !== undefined) print(`      ${describe(error)}`);
    }
  }
}

function summaryLine(report: ImportReport): string {
  const kind = [report.format, report.container === 'parquet' ? 'Parquet' : report.container === 'json' ? 'JSON array' : null, report.compression === 'none' ? null : report.compression]
    .filter((part) => part !== null && part !== undefined)
    .join(', ');
  const extra = [
    (report.duplicates ?? 0) > 0 ? `${report.duplicates} repeated rows` : null,
    report.unpaired === undefined ? null : `${report.unpaired.rows} unpaired rows grouped into ${report.unpaired.items} items (${report.unpaired.oneKind} with one kind of completion, unlabeled)`,
  ].filter((part) => part !== null);
  return (
    `${report.cancelled ? 'Stopped' : 'Imported'} ${report.file} (${kind}): ${report.rowsRead} rows, ${report.added} added, ${report.unchanged} unchanged, ` +
    `${report.errorCount} rejected, ${report.imagesAdded} new images${extra.length > 0 ? `, ${extra.join(', ')}` : ''}, in ${(report.durationMs / 1000).toFixed(1)} s.`
  );
}
