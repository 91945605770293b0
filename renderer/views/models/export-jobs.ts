/**
 * Model exports in flight, shared by the Runs view (per-checkpoint Export buttons) and the Models
 * view (its export form and list): `models.export` answers only when the export is written and
 * verified, so the phases in between come from models.onExportProgress.
 */
import { create } from 'zustand';
import type { StudioClient } from '../../client/studio-client';
import { toastError, toastSuccess } from '../../state/toast-store';
import type { ModelExport, ModelExportFormat, ModelExportProgress } from '../../client/contract-types';

export type ExportJobKey = `${number}:${ModelExportFormat}`;

export function exportJobKey(checkpointId: number, format: ModelExportFormat): ExportJobKey {
  return `${checkpointId}:${format}`;
}

export interface ExportJob {
  checkpointId: number;
  format: ModelExportFormat;
  label: string;
  phase: ModelExportProgress['phase'] | 'starting';
  message: string;
}

interface ExportJobsState {
  jobs: Record<ExportJobKey, ExportJob>;
  /** Bumped when an export finished: lists of exports reload on it. */
  finished: number;
}

export const useExportJobs = create<ExportJobsState>(() => ({ jobs: {}, finished: 0 }));

function update(key: ExportJobKey, change: Partial<ExportJob> | null): void {
  useExportJobs.setState((state) => {
    const jobs = { ...state.jobs };
    const current = jobs[key];
    if (change === null) delete jobs[key];
    else if (current) jobs[key] = { ...current, ...change };
    return { jobs };
  });
}

export function formatName(format: ModelExportFormat): string {
  return format === 'onnx' ? 'ONNX' : 'merged model';
}

/**
 * Starts one export (a second click on the same checkpoint and format while it runs is ignored)
 * and reports the outcome as a toast, since the person may have left the view that started it.
 */
export async function startExport(client: StudioClient, checkpointId: number, format: ModelExportFormat, label: string): Promise<ModelExport | null> {
  const key = exportJobKey(checkpointId, format);
  if (useExportJobs.getState().jobs[key]) return null;
  useExportJobs.setState((state) => ({
    jobs: { ...state.jobs, [key]: { checkpointId, format, label, phase: 'starting', message: 'Starting…' } },
  }));
  const unsubscribe = client.on('models.onExportProgress', (progress) => {
    if (progress.checkpointId === checkpointId && progress.format === format) update(key, { phase: progress.phase, message: progress.message });
  });
  try {
    const made = await client.invoke('models.export', { checkpointId, format });
    toastSuccess(`Exported ${label} as ${formatName(format)}: ${made.id}`);
    return made;
  } catch (error) {
    toastError(error, `Exporting ${label} as ${formatName(format)}`);
    return null;
  } finally {
    unsubscribe();
    update(key, null);
    useExportJobs.setState((state) => ({ finished: state.finished + 1 }));
  }
}
