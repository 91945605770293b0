import path from 'node:path';
import { exportDataset } from '../dataset/export-dataset';
import { EXPORT_CONFLICT_CHOICES, EXPORT_FORMATS, EXPORT_JUDGMENTS_CHOICES } from '../dataset/types';
import { StudioError } from '../errors';
import { parseCommandArgs } from './cli-args';
import { oneOf } from './import-command';
import { openProjectOption } from './project-option';

export const exportHelp = `reward-studio export --out FILE [--project DIR] [--format ${EXPORT_FORMATS.join('|')}]
                     [--split train|val|test|all] [--images copy|absolute] [--include-unlabeled] [--conflicts include|skip]
                     [--judgments resolved|each] [--force]

seed:         one line per item {"id","query","image","response","human_ranking"} (seed 000's format),
              plus "messages", "tools", "margin" and the source's extra columns when the item has them.
trl:          one line per ordered pair {"chosen","rejected"} as chat messages, with "images".
llamafactory: LLaMA-Factory sharegpt ranking rows {"conversations","chosen","rejected","system","tools","images"}
              as a JSON array (FILE.jsonl: JSON Lines), registered in dataset_info.json beside FILE
              under FILE's name without its extension.
ms-swift:     ms-swift RM JSONL {"messages", "rejected_response", "images", "tools", "margin"}.
parquet:      Hugging Face datasets Parquet with TRL's columns (prompt, chosen, rejected, images, tools,
              margin, id); images embedded as bytes (--images is ignored).
Pair formats (all but seed) expand rankings into ordered pairs; ties are left out and counted.
--images copy (default) copies images next to FILE (images/<sha256>.<ext>, relative paths);
absolute references the project's media files. Items whose annotators disagree and that no
reviewer adjudicated are written with the latest ranking (--conflicts include, default) or left
out (--conflicts skip); the report counts them either way, with example ids. The report (JSON) lists what was left out and why.
--judgments resolved (default) writes each item's resolved ranking (the adjudication, else the
latest). --judgments each (seed only) writes one line per judgment of each item, every annotator's
own and the adjudication, by judgment id: "human_ranking" is that judgment's, with "annotator",
"judgment_source" (import|ui|adjudication), "guideline_version", "judged_at" and "decision";
--conflicts does not apply (every judgment is written). "rows" counts lines, "items" items.
A relative FILE is taken from the current directory. An existing FILE is refused unless --force;
a FILE inside the project's own files (project.sqlite, media/, runs/, cache/, evaluations/,
exports/) is refused always.`;

export async function exportCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('export', argv, {
    project: { type: 'string' },
    format: { type: 'string' },
    split: { type: 'string' },
    images: { type: 'string' },
    out: { type: 'string' },
    'include-unlabeled': { type: 'boolean' },
    conflicts: { type: 'string' },
    judgments: { type: 'string' },
    force: { type: 'boolean' },
  });
  if (values.help) {
    console.log(exportHelp);
    return 0;
  }
  if (!values.out) throw new StudioError('invalid_input', 'export: --out FILE is missing.', exportHelp);
  const format = oneOf('format', values.format, EXPORT_FORMATS, 'seed');
  const includeUnlabeled = values['include-unlabeled'] ?? false;
  if (includeUnlabeled && format !== 'seed') {
    throw new StudioError('invalid_input', `--include-unlabeled works with --format seed only (${format} rows are preferences).`);
  }
  const judgments = oneOf('judgments', values.judgments, EXPORT_JUDGMENTS_CHOICES, 'resolved');
  if (judgments === 'each' && format !== 'seed') {
    throw new StudioError('invalid_input', `--judgments each works with --format seed only (${format} rows are pairs, with no place for an annotator).`);
  }
  const store = openProjectOption('export', values.project);
  try {
    const report = await exportDataset(store, {
      // A shell's relative path means the shell's directory (the studio's UI uses the project folder).
      out: path.resolve(values.out),
      overwrite: values.force ?? false,
      format,
      split: oneOf('split', values.split, ['train', 'val', 'test', 'all'] as const, 'all'),
      images: oneOf('images', values.images, ['copy', 'absolute'] as const, 'copy'),
      includeUnlabeled,
      conflicts: oneOf('conflicts', values.conflicts, EXPORT_CONFLICT_CHOICES, 'include'),
      judgments,
    });
    console.log(JSON.stringify(report));
    return 0;
  } catch (error) {
    if (error instanceof StudioError && error.code === 'file_exists') {
      throw new StudioError('file_exists', error.message, 'Pass --force to replace it, or choose another --out.');
    }
    throw error;
  } finally {
    store.close();
  }
}
