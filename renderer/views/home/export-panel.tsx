/** Export the project in one of the export formats; the report says what was written where, and what was left out. */
import { useState, type FormEvent } from 'react';
import { useStudioClient } from '../../client/client-context';
import { StudioClientError } from '../../client/studio-client-error';
import { formatCount, formatDuration } from '../../components/format';
import { Panel } from '../../components/panel';
import { PathField } from '../../components/path-field';
import { SelectField, type SelectOption } from '../../components/select-field';
import { useStudioEvent } from '../../hooks/use-studio-event';
import { toastError, toastSuccess } from '../../state/toast-store';
import { DOWNLOAD_PATH, type ExportFormat, type ExportReport } from '../../client/contract-types';
import { useProjectStore } from '../../state/project-store';
import { ConflictChoiceField, useUnresolvedConflicts, type ConflictChoice } from './export-conflicts';

type ExportFormatChoice = ExportFormat;
type ExportSplitChoice = 'all' | 'train' | 'val' | 'test';
type ExportImagesChoice = 'copy' | 'absolute';
type ExportJudgmentsChoice = 'resolved' | 'each';

const FORMAT_OPTIONS: readonly SelectOption<ExportFormatChoice>[] = [
  { value: 'seed', label: 'Seed JSONL' },
  { value: 'trl', label: 'TRL JSONL (pairs)' },
  { value: 'llamafactory', label: 'LLaMA-Factory (sharegpt ranking)' },
  { value: 'ms-swift', label: 'ms-swift RM JSONL' },
  { value: 'parquet', label: 'Parquet (Hugging Face datasets)' },
];

/** What each format writes, its file dialog filter and an example path. */
const FORMAT_FILES: Record<ExportFormatChoice, { filter: { name: string; extensions: string[] }; placeholder: string; note: string }> = {
  seed: {
    filter: { name: 'JSON Lines', extensions: ['jsonl'] },
    placeholder: '/data/export/train.jsonl',
    note: 'One line per item, with the conversation, tools, margin and source columns when the item has them.',
  },
  trl: {
    filter: { name: 'JSON Lines', extensions: ['jsonl'] },
    placeholder: '/data/export/train.jsonl',
    note: 'One line per ordered pair (chosen / rejected conversations).',
  },
  llamafactory: {
    filter: { name: 'JSON', extensions: ['json', 'jsonl'] },
    placeholder: '/data/LLaMA-Factory/data/prefs.json',
    note: 'One row per ordered pair; dataset_info.json beside the file gets an entry named after it (other entries are kept).',
  },
  'ms-swift': {
    filter: { name: 'JSON Lines', extensions: ['jsonl'] },
    placeholder: '/data/export/rm.jsonl',
    note: 'One row per ordered pair: messages ending with the chosen answer, rejected_response.',
  },
  parquet: {
    filter: { name: 'Parquet', extensions: ['parquet'] },
    placeholder: '/data/export/train.parquet',
    note: 'One row per ordered pair with TRL columns; images are embedded in the file.',
  },
};
/** A browser user cannot browse the server's disk: the export gets a name in the project folder to download from. */
const DEFAULT_NAMES: Record<ExportFormatChoice, string> = {
  seed: 'export/dataset.jsonl',
  trl: 'export/pairs.jsonl',
  llamafactory: 'export/prefs.json',
  'ms-swift': 'export/rm.jsonl',
  parquet: 'export/pairs.parquet',
};

const SPLIT_OPTIONS: readonly SelectOption<ExportSplitChoice>[] = [
  { value: 'all', label: 'All splits' },
  { value: 'train', label: 'train' },
  { value: 'val', label: 'val' },
  { value: 'test', label: 'test' },
];
const IMAGES_OPTIONS: readonly SelectOption<ExportImagesChoice>[] = [
  { value: 'copy', label: 'Copy next to file' },
  { value: 'absolute', label: 'Absolute paths' },
];

/** Seed only: one line per item, or one per judgment with who made it (the provenance of a team's data). */
const JUDGMENTS_OPTIONS: readonly SelectOption<ExportJudgmentsChoice>[] = [
  { value: 'resolved', label: 'One per item' },
  { value: 'each', label: 'One per judgment' },
];

/** The download of a browser user: the file itself, or a zip with the images/ folder its rows point into. */
function DownloadLink({ report }: { report: ExportReport }) {
  const name = report.out.split(/[\\/]/).pop() ?? 'export';
  const zipped = report.imagesDir !== undefined;
  return (
    <a className="button primary" href={`${DOWNLOAD_PATH}${report.download}`} download data-testid="export-download">
      Download {zipped ? `${name.replace(/\.[^.]*$/, '')}.zip (with images/)` : name}
    </a>
  );
}

function ConflictsLine({ conflicts }: { conflicts: ExportReport['conflicts'] }) {
  if (conflicts.items === 0) return null;
  const what =
    conflicts.choice === 'skip'
      ? 'Left out'
      : conflicts.choice === 'each'
      ? 'Written with every annotator’s judgment'
      : 'Written with the latest annotator’s ranking';
  return (
    <p className="small" data-testid="export-report-conflicts">
      {what}: {formatCount(conflicts.items)} unresolved {conflicts.items === 1 ? 'conflict' : 'conflicts'}
      <span className="muted"> (e.g. {conflicts.examples.join(', ')})</span>
    </p>
  );
}

function ExportReportView({ report, downloadable }: { report: ExportReport; downloadable: boolean }) {
  return (
    <div className="report" data-testid="export-report">
      <div className="report-head">
        <span className="report-status ok">Exported</span>
        <span className="mono small report-file" title={report.out} data-testid="export-out">
          {report.out}
        </span>
      </div>
      <dl className="report-grid">
        <div>
          <dt>Rows</dt>
          <dd data-testid="export-rows">{formatCount(report.rows)}</dd>
        </div>
        <div>
          <dt>Items</dt>
          <dd data-testid="export-items">{formatCount(report.items)}</dd>
        </div>
        <div>
          <dt>Images copied</dt>
          <dd data-testid="export-images">{formatCount(report.imagesCopied)}</dd>
        </div>
        <div>
          <dt>Unlabeled left out</dt>
          <dd>{formatCount(report.skippedUnlabeled)}</dd>
        </div>
        {report.format !== 'seed' && (
          <div>
            <dt>Tied pairs left out</dt>
            <dd>
              {formatCount(report.skippedTies)}
              {report.skippedAllTied > 0 && <span className="muted small"> ({formatCount(report.skippedAllTied)} all-tied items)</span>}
            </dd>
          </div>
        )}
        {report.imagesEmbedded > 0 && (
          <div>
            <dt>Images embedded</dt>
            <dd>{formatCount(report.imagesEmbedded)}</dd>
          </div>
        )}
        {report.skippedUnsupported > 0 && (
          <div>
            <dt>Items the format cannot hold</dt>
            <dd>{formatCount(report.skippedUnsupported)}</dd>
          </div>
        )}
        <div>
          <dt>Time</dt>
          <dd>{formatDuration(report.durationMs)}</dd>
        </div>
      </dl>
      {report.datasetInfo && (
        <p className="small muted" data-testid="export-dataset-info">
          Registered as <span className="mono">{report.datasetInfo.name}</span> in <span className="mono">{report.datasetInfo.file}</span>
        </p>
      )}
      <ConflictsLine conflicts={report.conflicts} />
      {report.omissions.length > 0 && (
        <ul className="small" data-testid="export-omissions">
          {report.omissions.map((omission) => (
            <li key={`${omission.what}:${omission.reason}`}>
              {omission.what === 'item' ? 'Left out' : `“${omission.what}” not written for`} {formatCount(omission.items)}{' '}
              {omission.items === 1 ? 'item' : 'items'}: {omission.reason}
              <span className="muted"> (e.g. {omission.examples.join(', ')})</span>
            </li>
          ))}
        </ul>
      )}
      {downloadable && (
        <div className="row">
          <DownloadLink report={report} />
        </div>
      )}
    </div>
  );
}

export function ExportPanel() {
  const client = useStudioClient();
  // In a browser tab the file is downloaded, not picked on the server's disk: a name is filled in.
  const browser = useProjectStore((state) => state.environment !== null && !state.environment.nativeDialogs);
  const [typedOut, setTypedOut] = useState<string | null>(null);
  const [format, setFormat] = useState<ExportFormatChoice>('seed');
  const out = typedOut ?? (browser ? DEFAULT_NAMES[format] : '');
  const setOut = (value: string) => setTypedOut(value);
  const [conflictChoice, setConflictChoice] = useState<ConflictChoice>('include');
  const [split, setSplit] = useState<ExportSplitChoice>('all');
  const [images, setImages] = useState<ExportImagesChoice>('copy');
  const [includeUnlabeled, setIncludeUnlabeled] = useState(false);
  const [judgments, setJudgments] = useState<ExportJudgmentsChoice>('resolved');
  const eachJudgment = format === 'seed' && judgments === 'each';
  const unresolved = useUnresolvedConflicts(split);
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<{ rows: number; items: number } | null>(null);
  const [report, setReport] = useState<ExportReport | null>(null);
  /** The file the core refused because it exists (code `file_exists`): asked before it is replaced. */
  const [existing, setExisting] = useState<string | null>(null);

  useStudioEvent('dataset.onExportProgress', (payload) => {
    if (running) setProgress(payload);
  });

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    await run(false);
  }

  /** Sends the export; an existing file comes back as `file_exists` and is replaced only once confirmed. */
  async function run(overwrite: boolean): Promise<void> {
    if (!out.trim() || running) return;
    setRunning(true);
    setExisting(null);
    setProgress(null);
    setReport(null);
    try {
      const result = await client.invoke('dataset.export', {
        out: out.trim(),
        overwrite,
        format,
        split,
        images,
        includeUnlabeled: format === 'seed' && includeUnlabeled,
        conflicts: conflictChoice,
        judgments: format === 'seed' ? judgments : 'resolved',
      });
      setReport(result);
      toastSuccess(`Exported ${formatCount(result.rows)} ${result.rows === 1 ? 'row' : 'rows'}.`);
    } catch (error) {
      if (!overwrite && error instanceof StudioClientError && error.code === 'file_exists') setExisting(out.trim());
      else toastError(error, 'Export');
    } finally {
      setRunning(false);
    }
  }

  return (
    <Panel title="Export" testId="export-panel">
      <form className="stack" onSubmit={(event) => void submit(event)}>
        <div className="row wrap">
          <SelectField label="Format" value={format} options={FORMAT_OPTIONS} onChange={setFormat} testId="export-format" disabled={running} />
          <SelectField label="Split" value={split} options={SPLIT_OPTIONS} onChange={setSplit} testId="export-split" disabled={running} />
          <SelectField
            label="Images"
            value={images}
            options={IMAGES_OPTIONS}
            onChange={setImages}
            testId="export-images-mode"
            disabled={running || format === 'parquet'}
          />
          {format === 'seed' && (
            <SelectField
              label="Rows"
              value={judgments}
              options={JUDGMENTS_OPTIONS}
              onChange={setJudgments}
              testId="export-judgments"
              disabled={running}
            />
          )}
        </div>
        <label className={format === 'seed' ? 'checkbox' : 'checkbox disabled'}>
          <input
            type="checkbox"
            checked={format === 'seed' && includeUnlabeled}
            disabled={running || format !== 'seed'}
            data-testid="export-include-unlabeled"
            onChange={(event) => setIncludeUnlabeled(event.target.checked)}
          />
          Include unlabeled items{format === 'seed' ? ' (written with "human_ranking": null)' : ' (seed format only)'}
        </label>
        {unresolved !== null && unresolved > 0 && !eachJudgment && (
          <ConflictChoiceField count={unresolved} value={conflictChoice} onChange={setConflictChoice} disabled={running} />
        )}
        <p className="small muted">
          {format === 'parquet'
            ? 'Images are written into the Parquet file itself.'
            : images === 'copy'
            ? 'Images are copied into images/ beside the output file, with relative paths: the folder can be moved or zipped.'
            : 'Image paths point into this project’s media/ folder: nothing is copied, but the file only works on this machine.'}
          {eachJudgment
            ? ' One line per judgment of each item (every annotator’s and the adjudication), with annotator, source, guideline version and time; items where annotators disagree are written with every judgment.'
            : ` ${FORMAT_FILES[format].note}`}
          {format === 'seed' ? '' : ' Pair formats have no way to say “equally good”, so tied pairs are left out and counted.'}
          {browser ? ' The file is written in the project folder on the server; download it from the report.' : ' A relative path is written in the project folder.'}
        </p>
        <div className="row align-end">
          <div className="grow">
            <PathField
              label="Output file"
              kind="save-file"
              value={out}
              onChange={(value) => {
                setOut(value);
                setExisting(null);
              }}
              placeholder={FORMAT_FILES[format].placeholder}
              testId="export-out-path"
              dialogTitle="Export the dataset"
              filters={[FORMAT_FILES[format].filter]}
              disabled={running}
            />
          </div>
          <div className="field field-action">
            <button type="submit" className="button primary" disabled={!out.trim() || running} data-testid="export-submit">
              {running ? 'Exporting…' : 'Export'}
            </button>
          </div>
        </div>
        {existing !== null && (
          <div className="confirm" role="alertdialog" aria-label="Replace the file" data-testid="export-replace-confirm">
            <p className="small">
              <span className="mono">{existing}</span> exists. Replace it?
            </p>
            <div className="row end">
              <button type="button" className="button" onClick={() => setExisting(null)} data-testid="export-replace-cancel">
                Cancel
              </button>
              <button type="button" className="button danger" onClick={() => void run(true)} data-testid="export-replace-confirm-button">
                Replace
              </button>
            </div>
          </div>
        )}
      </form>
      {running && (
        <p className="small muted" data-testid="export-progress">
          {progress ? `${formatCount(progress.rows)} rows from ${formatCount(progress.items)} items…` : 'Starting…'}
        </p>
      )}
      {report && <ExportReportView report={report} downloadable={browser} />}
    </Panel>
  );
}
