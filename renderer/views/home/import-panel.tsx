/**
 * Import a preference file of any supported format (JSONL, JSON, Parquet; .gz/.zst) into the open project, with live progress from
 * `dataset.onImportProgress` and the report when done. Paths are read by the studio core, so in
 * a browser tab they are paths on the server's machine.
 */
import { useState, type FormEvent } from 'react';
import { useStudioClient } from '../../client/client-context';
import { formatBytes, formatCount } from '../../components/format';
import { Panel } from '../../components/panel';
import { PathField } from '../../components/path-field';
import { SelectField, type SelectOption } from '../../components/select-field';
import { pathInZip, uploadFile, UploadError, type Uploaded, type UploadedZip } from '../../client/upload-file';
import { useStudioEvent } from '../../hooks/use-studio-event';
import { useProjectStore } from '../../state/project-store';
import { toastError, toastSuccess, useToastStore } from '../../state/toast-store';
import { recallMapping } from './column-mapping-memory';
import { ImportPreview, type ImportChoice } from './import-preview';
import { ImportReportView } from './import-report-view';
import type { ImportProgress, ImportReport } from '../../client/contract-types';

type ImportSplitChoice = 'auto' | 'train' | 'val' | 'test';

const SPLIT_OPTIONS: readonly SelectOption<ImportSplitChoice>[] = [
  { value: 'auto', label: 'By id (project ratios)' },
  { value: 'train', label: 'All into train' },
  { value: 'val', label: 'All into val' },
  { value: 'test', label: 'All into test' },
];

const FILE_FILTERS = [
  { name: 'Preference data', extensions: ['jsonl', 'json', 'parquet'] },
  { name: 'All files', extensions: ['*'] },
];

/** A zip's data files and dataset_info.json datasets, as `file:<relative>` / `dataset:<name>`. */
type ZipPick = `file:${string}` | `dataset:${string}`;

function zipPicks(zip: UploadedZip): SelectOption<ZipPick>[] {
  const datasets = (zip.datasetInfo?.datasets ?? []).map((name): SelectOption<ZipPick> => ({
    value: `dataset:${name}`,
    label: `${name} (dataset_info.json: ${zip.datasetInfo?.files[name] ?? '?'})`,
  }));
  return [...datasets, ...zip.files.map((file): SelectOption<ZipPick> => ({ value: `file:${file}`, label: file }))];
}

function ImportProgressBar({ progress }: { progress: ImportProgress | null }) {
  const share = progress && progress.totalBytes > 0 ? Math.min(1, progress.bytesRead / progress.totalBytes) : null;
  return (
    <div className="progress" data-testid="import-progress">
      <div className="progress-track">
        <div
          className={share === null ? 'progress-fill indeterminate' : 'progress-fill'}
          style={share === null ? undefined : { width: `${(share * 100).toFixed(1)}%` }}
        />
      </div>
      <div className="progress-text small muted">
        {progress
          ? `${formatCount(progress.rowsRead)} rows · ${formatCount(progress.added)} added · ${formatCount(progress.unchanged)} unchanged · ${formatCount(progress.errors)} errors · ${formatBytes(progress.bytesRead)} of ${formatBytes(progress.totalBytes)}`
          : 'Starting…'}
      </div>
    </div>
  );
}

export function ImportPanel({ onImported }: { onImported(report: ImportReport): void }) {
  const client = useStudioClient();
  const [file, setFile] = useState('');
  // The format and (when the person mapped columns) the mapping, from the preview.
  const [choice, setChoice] = useState<ImportChoice>({ format: 'auto' });
  const [split, setSplit] = useState<ImportSplitChoice>('auto');
  const [running, setRunning] = useState(false);
  // Stop import was pressed: the import ends after its current batch.
  const [stopping, setStopping] = useState(false);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [uploading, setUploading] = useState<string | null>(null);
  // An uploaded file is stored as <stamp>-<name>: its mapping is remembered under the name the person picked.
  const [uploadedAs, setUploadedAs] = useState<{ path: string; name: string } | null>(null);
  // A zip with several data files or a dataset_info.json: the person picks what to import.
  const [zipChoice, setZipChoice] = useState<{ zip: UploadedZip; pick: ZipPick } | null>(null);
  // The desktop app has native dialogs and real paths; only a browser tab needs uploads.
  const canUpload = useProjectStore((state) => state.environment !== null && !state.environment.nativeDialogs);

  useStudioEvent('dataset.onImportProgress', (payload) => {
    if (running) setProgress(payload);
  });

  async function runImport(path: string, dataset?: string): Promise<void> {
    setRunning(true);
    setStopping(false);
    setProgress(null);
    setReport(null);
    try {
      const result = await client.invoke('dataset.import', {
        file: path,
        format: choice.format,
        split,
        ...(dataset === undefined ? {} : { dataset }),
        ...(dataset !== undefined || choice.mapping === undefined ? {} : { mapping: choice.mapping }),
      });
      setReport(result);
      onImported(result);
      if (result.cancelled) toastSuccess(`Import stopped: ${formatCount(result.added)} new items kept.`);
      else if (result.errorCount === 0) toastSuccess(`Imported ${formatCount(result.added)} new items.`);
    } catch (error) {
      toastError(error, 'Import');
    } finally {
      setRunning(false);
      setStopping(false);
    }
  }

  /** The rows already imported stay (whole batches); the report then says "Stopped". */
  async function stopImport(): Promise<void> {
    if (!running || stopping) return;
    setStopping(true);
    try {
      const { stopped } = await client.invoke('dataset.cancelImport', {});
      if (!stopped) setStopping(false);
    } catch (error) {
      setStopping(false);
      toastError(error, 'Stop import');
    }
  }

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (!file.trim() || running) return;
    await runImport(file.trim());
  }

  async function upload(picked: File): Promise<void> {
    if (running || uploading) return;
    setUploading(picked.name);
    setZipChoice(null);
    let uploaded: Uploaded;
    try {
      uploaded = await uploadFile(picked);
    } catch (error) {
      const hint = error instanceof UploadError ? error.hint : undefined;
      useToastStore.getState().push({ kind: 'error', message: error instanceof Error ? error.message : String(error), hint });
      return;
    } finally {
      setUploading(null);
    }
    const { path, zip } = uploaded;
    const picks = zip ? zipPicks(zip) : [];
    if (zip && (path === null || picks.length > 1)) {
      setZipChoice({ zip, pick: picks[0]?.value ?? `file:${zip.files[0] ?? ''}` });
      return;
    }
    if (path === null) return;
    setFile(path);
    setUploadedAs({ path, name: picked.name });
    if (await readyToImport(path, picked.name)) await runImport(path);
  }

  /**
   * An uploaded file imports at once when detection reads it and no mapping is remembered for
   * its name; otherwise the preview (now showing it) asks for the mapping first.
   */
  async function readyToImport(path: string, name: string): Promise<boolean> {
    if (recallMapping(name) !== null) return false;
    try {
      const preview = await client.invoke('dataset.preview', { file: path });
      return preview.notRecognised === null;
    } catch {
      return true; // the import itself says what is wrong with the file
    }
  }

  async function importZipChoice(): Promise<void> {
    if (!zipChoice || running) return;
    const { zip, pick } = zipChoice;
    if (pick.startsWith('dataset:') && zip.datasetInfo) {
      setFile(zip.datasetInfo.path);
      await runImport(zip.datasetInfo.path, pick.slice('dataset:'.length));
    } else {
      const path = pathInZip(zip, pick.slice('file:'.length));
      setFile(path);
      await runImport(path);
    }
  }

  return (
    <Panel title="Import" testId="import-panel">
      <form className="stack" onSubmit={(event) => void submit(event)}>
        <PathField
          label="File (JSONL, JSON or Parquet; .gz, .zst)"
          kind="open-file"
          value={file}
          onChange={setFile}
          placeholder="/data/preferences.jsonl"
          testId="import-file"
          dialogTitle="Import preference data"
          filters={FILE_FILTERS}
          disabled={running}
        />
        <ImportPreview
          file={file}
          disabled={running}
          onChoice={setChoice}
          rememberAs={uploadedAs !== null && uploadedAs.path === file ? uploadedAs.name : undefined}
        />
        <div className="row wrap">
          <SelectField label="Split" value={split} options={SPLIT_OPTIONS} onChange={setSplit} testId="import-split" disabled={running} />
          <div className="field field-action">
            <button type="submit" className="button primary" disabled={!file.trim() || running} data-testid="import-submit">
              {running ? 'Importing…' : 'Import'}
            </button>
          </div>
        </div>
        {canUpload && (
          <div className="upload-row">
            <label className={running || uploading ? 'button disabled' : 'button'} data-testid="import-upload-label">
              {uploading ? `Uploading ${uploading}…` : 'Upload a file or .zip…'}
              <input
                type="file"
                className="visually-hidden"
                accept=".jsonl,.json,.parquet,.zip"
                disabled={running || uploading !== null}
                data-testid="import-upload"
                onChange={(event) => {
                  const picked = event.target.files?.[0];
                  event.target.value = '';
                  if (picked) void upload(picked);
                }}
              />
            </label>
            <span className="small muted">
              From this computer: the file is copied into the project, then imported (one no format recognises waits here for its column mapping). Zip the data file with its images (or LLaMA-Factory&apos;s
              data/ folder) and the relative image paths resolve; a lone file&apos;s images must be reachable from the server.
            </span>
          </div>
        )}
        {canUpload && zipChoice && (
          <div className="row wrap" data-testid="zip-choice">
            <SelectField
              label={`Import from the zip (${formatCount(zipChoice.zip.files.length)} data file${zipChoice.zip.files.length === 1 ? '' : 's'})`}
              value={zipChoice.pick}
              options={zipPicks(zipChoice.zip)}
              onChange={(pick) => setZipChoice({ ...zipChoice, pick })}
              testId="zip-choice-select"
              disabled={running}
            />
            <div className="field field-action">
              <button type="button" className="button primary" disabled={running} onClick={() => void importZipChoice()} data-testid="zip-choice-import">
                Import this
              </button>
            </div>
          </div>
        )}
        <p className="small muted">
          Images are resolved relative to the data file and copied into the project. Bad rows are counted below by reason; good rows land. Importing
          the same file again changes nothing.
        </p>
      </form>
      {running && (
        <div data-testid="import-running">
          <ImportProgressBar progress={progress} />
          <div className="row">
            <button type="button" className="button" disabled={stopping} onClick={() => void stopImport()} data-testid="import-stop">
              {stopping ? 'Stopping…' : 'Stop import'}
            </button>
          </div>
        </div>
      )}
      {report && <ImportReportView report={report} />}
    </Panel>
  );
}
