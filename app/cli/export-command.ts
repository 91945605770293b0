import path from 'node:path';
import { exportDataset } from '../dataset/export-dataset';
import { StudioError } from '../errors';
import { parseCommandArgs } from './cli-args';
import { oneOf } from './import-command';
import { openProjectOption } from './project-option';

export const exportHelp = `reward-studio export --out FILE [--project DIR] [--format seed|trl] [--split train|val|test|all]
                     [--images copy|absolute] [--include-unlabeled]

seed: one line per item {"id","query","image","response","human_ranking"} (seed 000's format).
trl:  one line per ordered pair {"chosen","rejected"} as chat messages (ties dropped), with "images".
--images copy (default) copies images next to FILE (images/<sha256>.<ext>, relative paths);
absolute references the project's media files.`;

export async function exportCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('export', argv, {
    project: { type: 'string' },
    format: { type: 'string' },
    split: { type: 'string' },
    images: { type: 'string' },
    out: { type: 'string' },
    'include-unlabeled': { type: 'boolean' },
  });
  if (values.help) {
    console.log(exportHelp);
    return 0;
  }
  if (!values.out) throw new StudioError('invalid_input', 'export: --out FILE is missing.', exportHelp);
  const store = openProjectOption('export', values.project);
  try {
    const report = await exportDataset(store, {
      out: path.resolve(values.out),
      format: oneOf('format', values.format, ['seed', 'trl'] as const, 'seed'),
      split: oneOf('split', values.split, ['train', 'val', 'test', 'all'] as const, 'all'),
      images: oneOf('images', values.images, ['copy', 'absolute'] as const, 'copy'),
      includeUnlabeled: values['include-unlabeled'] ?? false,
    });
    console.log(JSON.stringify(report));
    return 0;
  } finally {
    store.close();
  }
}
