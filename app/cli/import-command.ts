import { importDataset } from '../dataset/import-dataset';
import { StudioError } from '../errors';
import { parseCommandArgs } from './cli-args';
import { openProjectOption } from './project-option';

export const importHelp = `reward-studio import FILE [--project DIR] [--format auto|seed|trl|parquet] [--split auto|train|val|test] [--annotator NAME]

Imports seed-format JSONL, TRL preference JSONL (chosen/rejected) or Parquet into a project.
Bad rows are listed as FILE:LINE: reason; good rows land. Exit status: 0 all rows fine,
3 some rows were rejected, 1 the import failed.`;

const FORMATS = ['auto', 'seed', 'trl', 'parquet'] as const;
const SPLITS = ['auto', 'train', 'val', 'test'] as const;

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new StudioError('invalid_input', `--${name} must be one of ${allowed.join(', ')}; got "${value}".`);
}

export { oneOf };

export async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('import', argv, {
    project: { type: 'string' },
    format: { type: 'string' },
    split: { type: 'string' },
    annotator: { type: 'string' },
  });
  if (values.help) {
    console.log(importHelp);
    return 0;
  }
  const file = positionals[0];
  if (!file) throw new StudioError('invalid_input', 'import: FILE is missing.', importHelp);
  const store = openProjectOption('import', values.project);
  try {
    let lastShown = 0;
    const report = await importDataset(store, file, {
      format: oneOf('format', values.format, FORMATS, 'auto'),
      split: oneOf('split', values.split, SPLITS, 'auto'),
      annotator: values.annotator,
      onProgress: (progress) => {
        if (process.stderr.isTTY && Date.now() - lastShown > 250) {
          lastShown = Date.now();
          process.stderr.write(`\r${progress.rowsRead} rows read, ${progress.added} added, ${progress.errors} rejected`);
        }
      },
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    for (const problem of report.errors) console.log(`${report.file}:${problem.line}: ${problem.reason}`);
    if (report.errorCount > report.errors.length) console.log(`… and ${report.errorCount - report.errors.length} more rejected rows.`);
    console.log(
      `Imported ${report.file} (${report.format}): ${report.rowsRead} rows, ${report.added} added, ${report.unchanged} unchanged, ` +
        `${report.errorCount} rejected, ${report.imagesAdded} new images, in ${(report.durationMs / 1000).toFixed(1)} s.`,
    );
    return report.errorCount > 0 ? 3 : 0;
  } finally {
    store.close();
  }
}
