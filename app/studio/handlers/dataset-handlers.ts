import path from 'node:path';
import { exportDataset } from '../../dataset/export-dataset';
import { resolveExportPath } from '../../dataset/export-target';
import { mappingProblem } from '../../dataset/formats/mapped';
import { importDataset, listImports } from '../../dataset/import-dataset';
import { previewDataset } from '../../dataset/preview-dataset';
import type { ColumnMapping, ExportProgress, ImportProgress } from '../../dataset/types';
import { StudioError } from '../../errors';
import type { Handlers } from '../../rpc/router';
import { throttleProgress } from '../progress-throttle';
import type { Studio } from '../studio';

type DatasetHandlers = Pick<Handlers, 'dataset.import' | 'dataset.cancelImport' | 'dataset.preview' | 'dataset.imports' | 'dataset.export' | 'dataset.resplit'>;

/** A mapping that cannot read any row is refused once, not reported on every row. */
function checkMapping(mapping: ColumnMapping | undefined): void {
  const problem = mapping === undefined ? null : mappingProblem(mapping);
  if (problem !== null) throw new StudioError('invalid_input', `The column mapping cannot be used: ${problem}.`, 'Fix the mapping in the import panel and import again.');
}

export function datasetHandlers(studio: Studio): DatasetHandlers {
  // The import in progress (studio.exclusive allows one, and the project cannot switch meanwhile).
  let importing: AbortController | null = null;
  return {
    'dataset.import': ({ file, format, split, annotator, mapping, dataset }) =>
      studio.exclusive('import', async () => {
        checkMapping(mapping);
        const absolute = path.resolve(file);
        const progress = throttleProgress((p: ImportProgress) =>
          studio.events.emit('dataset.onImportProgress', { ...p, file: absolute }),
        );
        const controller = new AbortController();
        importing = controller;
        try {
          return await importDataset(studio.project(), absolute, { format, split, annotator, mapping, dataset, onProgress: progress.push, signal: controller.signal });
        } finally {
          if (importing === controller) importing = null;
          progress.flush();
          studio.projectChanged();
        }
      }),
    // Whole batches only: the import stops between batches and reports `cancelled`.
    'dataset.cancelImport': () => {
      const controller = importing;
      if (controller === null || controller.signal.aborted) return { stopped: false };
      controller.abort();
      return { stopped: true };
    },
    // Reads only the file's first rows; no project is needed (nothing is written).
    'dataset.preview': ({ file, format, mapping, dataset }) => previewDataset(path.resolve(file), { format, mapping, dataset }),
    'dataset.imports': () => listImports(studio.project()),
    'dataset.export': (options) =>
      studio.exclusive('export', async () => {
        // Relative to the project folder: the server's working directory means nothing in the browser.
        const out = resolveExportPath(studio.project().dir, options.out);
        const progress = throttleProgress((p: ExportProgress) =>
          studio.events.emit('dataset.onExportProgress', { ...p, out }),
        );
        try {
          const report = await exportDataset(studio.project(), { ...options, out, onProgress: progress.push });
          return { ...report, download: studio.downloads.register(report) };
        } finally {
          progress.flush();
        }
      }),
    'dataset.resplit': ({ train, val, test, seed }) => {
      studio.project().resplit({ train, val, test }, seed);
      return studio.projectChanged() ?? studio.project().summary();
    },
  };
}
