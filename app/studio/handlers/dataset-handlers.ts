import path from 'node:path';
import { exportDataset } from '../../dataset/export-dataset';
import { importDataset, listImports } from '../../dataset/import-dataset';
import type { ExportProgress, ImportProgress } from '../../dataset/types';
import type { Handlers } from '../../rpc/router';
import { throttleProgress } from '../progress-throttle';
import type { Studio } from '../studio';

type DatasetHandlers = Pick<Handlers, 'dataset.import' | 'dataset.imports' | 'dataset.export' | 'dataset.resplit'>;

export function datasetHandlers(studio: Studio): DatasetHandlers {
  return {
    'dataset.import': ({ file, format, split, annotator, mapping, dataset }) =>
      studio.exclusive('import', async () => {
        const absolute = path.resolve(file);
        const progress = throttleProgress((p: ImportProgress) =>
          studio.events.emit('dataset.onImportProgress', { ...p, file: absolute }),
        );
        try {
          return await importDataset(studio.project(), absolute, { format, split, annotator, mapping, dataset, onProgress: progress.push });
        } finally {
          progress.flush();
          studio.projectChanged();
        }
      }),
    'dataset.imports': () => listImports(studio.project()),
    'dataset.export': (options) =>
      studio.exclusive('export', async () => {
        const out = path.resolve(options.out);
        const progress = throttleProgress((p: ExportProgress) =>
          studio.events.emit('dataset.onExportProgress', { ...p, out }),
        );
        try {
          return await exportDataset(studio.project(), { ...options, out, onProgress: progress.push });
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
