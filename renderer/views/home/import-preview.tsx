/**
 * What the import will read, before it reads it (`dataset.preview`): the file's first rows, the
 * format detection picks and how sure it is, a format override, and "Map columns" for files no
 * format fits (or fits wrongly). The first rows as they will be read update as the mapping
 * changes. A mapping is remembered per file name and comes back when a file of that name is
 * chosen again.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useStudioClient } from '../../client/client-context';
import { ColumnMappingEditor, draftFromMapping, EMPTY_DRAFT, mappingFromDraft, type MappingDraft } from './column-mapping';
import { fileBaseName, forgetMapping, recallMapping, rememberMapping } from './column-mapping-memory';
import type { ColumnMapping, DatasetPreview, ParsedPreviewRow, PreviewRow } from '../../client/contract-types';

/** What the Import button sends: a format ('auto' or a reader's name) and, when the person mapped columns, the mapping. */
export interface ImportChoice {
  format: string;
  mapping?: ColumnMapping;
}

/** Typing a path asks the server once the typing pauses; a mapping change answers quicker. */
const FILE_DEBOUNCE_MS = 300;
const MAPPING_DEBOUNCE_MS = 120;
const TABLE_COLUMNS = 8;
const CELL_CHARS = 80;

const CONTAINERS: Record<DatasetPreview['container'], string> = { jsonl: 'JSON Lines', json: 'JSON array', parquet: 'Parquet' };

export function percent(confidence: number): string {
  return `${Math.round(confidence * 100)}% fit`;
}

function cellText(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
  return text.length > CELL_CHARS ? `${text.slice(0, CELL_CHARS)}…` : text;
}

function SampleTable({ preview }: { preview: DatasetPreview }) {
  const columns = preview.keys.slice(0, TABLE_COLUMNS);
  const hidden = preview.keys.length - columns.length;
  return (
    <div className="preview-table-wrap" tabIndex={0} role="region" aria-label="First rows of the file">
      <table className="preview-table" data-testid="import-preview-table">
        <thead>
          <tr>
            <th scope="col">Line</th>
            {columns.map((key) => (
              <th scope="col" key={key} className="mono">
                {key}
              </th>
            ))}
            {hidden > 0 && <th scope="col">+{hidden} more</th>}
          </tr>
        </thead>
        <tbody>
          {preview.rows.map((row: PreviewRow) => (
            <tr key={row.line} data-testid="import-preview-row">
              <td className="muted">{row.line}</td>
              {row.error !== undefined || typeof row.value !== 'object' || row.value === null || Array.isArray(row.value) ? (
                <td colSpan={columns.length + (hidden > 0 ? 1 : 0)} className="danger">
                  {row.error ?? `not a JSON object: ${cellText(row.value)}`}
                </td>
              ) : (
                <>
                  {columns.map((key) => {
                    const value = (row.value as Record<string, unknown>)[key];
                    const full = value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
                    return (
                      <td key={key} title={full}>
                        {value === undefined ? <span className="muted">—</span> : cellText(value)}
                      </td>
                    );
                  })}
                  {hidden > 0 && <td className="muted">…</td>}
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function rankLabel(ranking: number[] | null | undefined, index: number): string {
  if (ranking === null || ranking === undefined) return '';
  const rank = ranking[index] ?? 0;
  const tied = ranking.filter((other) => other === rank).length > 1;
  const name = rank === 0 ? 'best' : `rank ${rank + 1}`;
  return tied ? `${name} · tie` : name;
}

function ParsedRows({ rows }: { rows: ParsedPreviewRow[] }) {
  return (
    <ol className="parsed-preview" data-testid="parsed-preview">
      {rows.map((row) =>
        row.error !== undefined ? (
          <li key={row.line} className="parsed-row error" data-testid="parsed-row-error">
            <span className="parsed-line">Line {row.line}</span> {row.error}
          </li>
        ) : (
          <li key={row.line} className="parsed-row" data-testid="parsed-row">
            <div className="parsed-meta small muted">
              <span className="parsed-line">Line {row.line}</span>
              {row.id !== undefined && <span className="mono"> · {row.id}</span>}
              {row.conversationLength !== undefined && row.conversationLength > 1 && <span> · {row.conversationLength} messages before the responses</span>}
              {row.images !== undefined && row.images > 0 && <span> · {row.images === 1 ? '1 image' : `${row.images} images`}</span>}
              {row.ranking === null && <span> · unlabeled</span>}
            </div>
            {row.unpaired !== undefined ? (
              <p className="parsed-query">
                {row.unpaired.desirable ? 'Good' : 'Bad'} completion: {row.unpaired.completion}
              </p>
            ) : (
              <>
                <p className="parsed-query" data-testid="parsed-query">
                  {row.query}
                </p>
                <ol className="parsed-responses">
                  {(row.responses ?? []).map((text, index) => (
                    <li key={index} data-testid="parsed-response">
                      {rankLabel(row.ranking, index) !== '' && (
                        <span className={row.ranking?.[index] === 0 ? 'parsed-rank best' : 'parsed-rank'} data-testid="parsed-rank">
                          {rankLabel(row.ranking, index)}
                        </span>
                      )}
                      <span className="parsed-response-text">{text}</span>
                    </li>
                  ))}
                </ol>
              </>
            )}
          </li>
        ),
      )}
    </ol>
  );
}

export function ImportPreview({
  file,
  dataset,
  disabled,
  onChoice,
  rememberAs,
}: {
  file: string;
  dataset?: string;
  disabled: boolean;
  onChoice(choice: ImportChoice): void;
  /** The name the mapping is remembered under, when it is not the file's (an upload's original name). */
  rememberAs?: string;
}) {
  const client = useStudioClient();
  const path = file.trim();
  const name = rememberAs ?? fileBaseName(path);
  const [format, setFormat] = useState('auto');
  const [draft, setDraft] = useState<MappingDraft>(EMPTY_DRAFT);
  /** True once the person mapped columns (or a remembered mapping came back): the import sends it. */
  const [mapped, setMapped] = useState(false);
  const [open, setOpen] = useState(false);
  const [preview, setPreview] = useState<DatasetPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const request = useRef(0);
  const lastName = useRef<string | null>(null);
  const formatId = useId();
  const mappingId = useId();

  // A new file name: its remembered mapping, or a fresh start.
  useEffect(() => {
    if (lastName.current === name) return;
    lastName.current = name;
    const remembered = recallMapping(name);
    setFormat('auto');
    setDraft(draftFromMapping(remembered));
    setMapped(remembered !== null);
    setOpen(remembered !== null);
  }, [name]);

  const sentMapping = mapped ? mappingFromDraft(draft) : undefined;
  const sentKey = JSON.stringify(sentMapping ?? null);

  useEffect(() => {
    onChoice({ format, ...(sentMapping === undefined ? {} : { mapping: sentMapping }) });
    // sentKey stands for sentMapping's content.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [format, sentKey, onChoice]);

  const lastPath = useRef('');
  useEffect(() => {
    if (path === '') {
      setPreview(null);
      setError(null);
      return;
    }
    const pathChanged = lastPath.current !== path;
    lastPath.current = path;
    const id = ++request.current;
    const timer = setTimeout(() => {
      setLoading(true);
      client
        .invoke('dataset.preview', {
          file: path,
          format,
          ...(sentMapping === undefined ? {} : { mapping: sentMapping }),
          ...(dataset === undefined ? {} : { dataset }),
        })
        .then(
          (result) => {
            if (id !== request.current) return;
            setPreview(result);
            setError(null);
          },
          (failure: unknown) => {
            if (id !== request.current) return;
            setPreview(null);
            setError(failure instanceof Error ? failure.message : String(failure));
          },
        )
        .finally(() => {
          if (id === request.current) setLoading(false);
        });
    }, pathChanged ? FILE_DEBOUNCE_MS : MAPPING_DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // sentKey stands for sentMapping's content.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, path, format, sentKey, dataset]);

  // Until the person maps columns, the mapping shows where the detected reader finds each part;
  // a file nothing recognises opens the mapping by itself.
  useEffect(() => {
    if (preview === null || mapped) return;
    setDraft(draftFromMapping(preview.suggestedMapping));
    if (preview.notRecognised !== null && format === 'auto') setOpen(true);
  }, [preview, mapped, format]);

  if (path === '') return null;

  function changeMapping(next: MappingDraft): void {
    setDraft(next);
    setMapped(true);
    rememberMapping(name, mappingFromDraft(next));
  }

  function clearMapping(): void {
    forgetMapping(name);
    setMapped(false);
    setDraft(draftFromMapping(preview?.suggestedMapping ?? null));
  }

  // Enter on a select imports, as it does in the path field (a select does not submit a form by itself).
  function onKeyDown(event: KeyboardEvent<HTMLDivElement>): void {
    if (event.key !== 'Enter' || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const target = event.target as HTMLElement;
    if (target.tagName !== 'SELECT') return;
    event.preventDefault();
    (target as HTMLSelectElement).form?.requestSubmit();
  }

  const detected = preview?.detected ?? null;
  const autoLabel = preview === null ? 'Detect from file' : detected !== null ? `Detect (${detected.label} · ${percent(detected.confidence)})` : 'Detect (not recognised)';
  const notRecognised = preview !== null && preview.notRecognised !== null && format === 'auto' && !mapped;
  const closest = (preview?.candidates ?? []).slice(0, 2);

  return (
    <div className="import-preview" data-testid="import-preview" data-file={preview?.file ?? ''} aria-busy={loading} onKeyDown={onKeyDown}>
      {error !== null && (
        <p className="small muted" data-testid="import-preview-error" role="status">
          Cannot preview this file yet: {error}
        </p>
      )}
      {preview !== null && (
        <>
          <div className="preview-head">
            <div className="preview-detected" data-testid="import-detected">
              {mapped ? (
                <span>
                  Read through your column mapping
                  {detected !== null && <span className="muted"> (detected: {detected.label} · {percent(detected.confidence)})</span>}
                </span>
              ) : detected !== null ? (
                <span>
                  <strong>{detected.label}</strong> · {percent(detected.confidence)}
                </span>
              ) : preview.rows.length === 0 ? (
                <span className="muted">Empty file</span>
              ) : (
                <strong className="warn-text">Format not recognised</strong>
              )}
              <span className="muted small">
                {' '}
                · {CONTAINERS[preview.container]}
                {preview.compression !== 'none' && ` · ${preview.compression}`}
              </span>
            </div>
            <div className="field preview-format">
              <label htmlFor={formatId} className="field-label">
                Format
              </label>
              <select
                id={formatId}
                className="select"
                value={format}
                disabled={disabled || mapped}
                title={mapped ? 'The column mapping decides how rows are read' : undefined}
                data-testid="import-format"
                onChange={(event) => setFormat(event.target.value)}
              >
                <option value="auto">{autoLabel}</option>
                {preview.formats.map((option) => {
                  const fit = preview.candidates.find((candidate) => candidate.name === option.name);
                  return (
                    <option key={option.name} value={option.name}>
                      {option.label}
                      {fit !== undefined ? ` · ${percent(fit.confidence)}` : ''}
                    </option>
                  );
                })}
              </select>
            </div>
          </div>
          {notRecognised && (
            <p className="preview-notice" role="status" data-testid="import-not-recognised">
              This file’s format is not recognised. Keys found: <span className="mono">{preview.keys.join(', ') || 'none'}</span>
              {closest.length > 0 && <> (closest: {closest.map((candidate) => `${candidate.label} · ${percent(candidate.confidence)}`).join(', ')})</>}. Map its
              columns below to import it.
            </p>
          )}
          {preview.rows.length === 0 ? (
            <p className="small muted" data-testid="import-preview-empty">
              This file has no rows: importing it adds nothing.
            </p>
          ) : (
            <SampleTable preview={preview} />
          )}
          <div className="mapping-section">
            <div className="mapping-bar">
              <button
                type="button"
                className="button small"
                aria-expanded={open}
                aria-controls={mappingId}
                data-testid="map-columns-toggle"
                onClick={() => setOpen(!open)}
              >
                {open ? 'Hide column mapping' : 'Map columns'}
              </button>
              <span className="small muted" data-testid="mapping-state">
                {mapped
                  ? `Importing through this mapping${name !== '' ? `, remembered for ${name}` : ''}.`
                  : open && preview.suggestedMapping !== null && detected !== null
                    ? `Filled in from ${detected.label}; change a column to import through the mapping.`
                    : open
                      ? 'Pick the column that holds each part.'
                      : ''}
              </span>
              {mapped && (
                <button type="button" className="button small" disabled={disabled} data-testid="mapping-clear" onClick={clearMapping}>
                  {detected !== null ? 'Use the detected format' : 'Clear mapping'}
                </button>
              )}
            </div>
            {open && (
              <div id={mappingId}>
                <ColumnMappingEditor keys={preview.keys} draft={draft} disabled={disabled} onChange={changeMapping} />
              </div>
            )}
          </div>
          <div className="parsed-section" aria-live="polite">
            <h3 className="parsed-title">
              {preview.reader === null ? 'Nothing to read yet' : mapped ? 'First rows, as the mapping reads them' : `First rows, as ${preview.reader.label} reads them`}
            </h3>
            {preview.mappingProblem !== null && mapped && (
              <p className="small danger" data-testid="mapping-problem">
                {preview.mappingProblem.charAt(0).toUpperCase() + preview.mappingProblem.slice(1)}.
              </p>
            )}
            {preview.parsedPreview.length > 0 && <ParsedRows rows={preview.parsedPreview} />}
          </div>
        </>
      )}
    </div>
  );
}
