/**
 * An import's outcome: how the file was read (format, container, fit), what landed, what was
 * already there, and the bad rows. A few bad rows are listed as `file:line: reason` (the server's
 * own `message`, so the UI, the CLI and the tests agree on the exact text); many are grouped by
 * reason (count × reason, first lines), as the CLI prints them, with "Show all" for the list the
 * report keeps (the first 1000). Thousands of DOM rows would make the page stutter for nothing.
 */
import { useState } from 'react';
import { formatCount, formatDuration } from '../../components/format';
import type { ImportReasonGroup, ImportReport } from '../../client/contract-types';

/** Up to this many bad rows are listed one by one; past it they are grouped by reason (like the CLI). */
const ROWS_LISTED_IN_FULL = 20;
const INITIAL_ERRORS_SHOWN = 50;

const CONTAINERS: Record<NonNullable<ImportReport['container']>, string> = { jsonl: 'JSON Lines', json: 'JSON array', parquet: 'Parquet' };

/** "trl · JSON Lines · gzip · 98% fit": how the rows were read. */
export function readAs(report: ImportReport): string {
  const parts = [
    report.format === 'mapped' ? 'column mapping' : report.format,
    report.dataset === undefined ? null : `dataset "${report.dataset}"`,
    report.container === undefined ? null : CONTAINERS[report.container],
    report.compression === undefined || report.compression === 'none' ? null : report.compression,
    report.confidence === undefined || report.format === 'mapped' ? null : `${Math.round(report.confidence * 100)}% fit`,
  ];
  return parts.filter((part): part is string => part !== null).join(' · ');
}

function ReasonGroups({ groups, errorCount }: { groups: ImportReasonGroup[]; errorCount: number }) {
  return (
    <>
      <p className="small" data-testid="import-reasons-summary">
        {formatCount(errorCount)} rows rejected, for {groups.length === 1 ? 'one reason' : `${formatCount(groups.length)} reasons`}:
      </p>
      <ul className="reason-groups" data-testid="import-reasons">
        {groups.map((group) => (
          <li key={group.reason} className="reason-group" data-testid="import-reason">
            <div>
              <strong className="reason-count" data-testid="import-reason-count">
                {formatCount(group.count)} ×
              </strong>{' '}
              <span data-testid="import-reason-text">{group.reason}</span>
            </div>
            <div className="small muted">
              {group.lines.length === 1 ? 'line' : 'lines'} {group.lines.join(', ')}
              {group.count > group.lines.length ? ', …' : ''}
            </div>
            <div className="mono small reason-example" title="The first row with this reason">
              {group.example}
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}

export function ImportReportView({ report, testId = 'import-report' }: { report: ImportReport; testId?: string }) {
  const grouped = report.reasons !== undefined && report.reasons.length > 0 && report.errorCount > ROWS_LISTED_IN_FULL;
  const [listOpen, setListOpen] = useState(false);
  const [showAll, setShowAll] = useState(false);
  const listShown = !grouped || listOpen;
  const shown = showAll ? report.errors : report.errors.slice(0, INITIAL_ERRORS_SHOWN);
  const hiddenByServer = report.errorCount - report.errors.length;
  const duplicates = report.duplicates ?? 0;

  return (
    <div className="report" data-testid={testId}>
      <div className="report-head">
        <span className={report.errorCount > 0 || report.cancelled || report.interrupted ? 'report-status warn' : 'report-status ok'}>
          {report.interrupted ? 'Interrupted' : report.cancelled ? 'Stopped' : report.errorCount > 0 ? 'Imported with errors' : 'Imported'}
        </span>
        <span className="mono small muted report-file" title={report.file}>
          {report.file}
        </span>
      </div>
      {report.interrupted && (
        <p className="small" data-testid="import-interrupted">
          The process running this import stopped before it finished (it was killed or crashed), so its counts are unknown. Rows of the
          batches it had saved are in the project. Import the file again to add the rest: rows already in the project are skipped.
        </p>
      )}
      <p className="small muted report-read-as" data-testid="import-read-as">
        Read as {readAs(report)}
      </p>
      <dl className="report-grid">
        <div>
          <dt>Added</dt>
          <dd data-testid="import-added">{formatCount(report.added)}</dd>
        </div>
        <div>
          <dt>Unchanged</dt>
          <dd data-testid="import-unchanged">
            {formatCount(report.unchanged)}
            {duplicates > 0 && (
              <span className="muted small" data-testid="import-duplicates">
                {' '}
                ({formatCount(duplicates)} repeated in the file)
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>Errors</dt>
          <dd data-testid="import-error-count" className={report.errorCount > 0 ? 'danger' : undefined}>
            {formatCount(report.errorCount)}
          </dd>
        </div>
        <div>
          <dt>Labeled</dt>
          <dd>
            {formatCount(report.labeled)}
            {report.relabeled > 0 && <span className="muted small"> ({formatCount(report.relabeled)} changed)</span>}
          </dd>
        </div>
        <div>
          <dt>New images</dt>
          <dd>{formatCount(report.imagesAdded)}</dd>
        </div>
        <div>
          <dt>Rows · time</dt>
          <dd>
            {formatCount(report.rowsRead)} <span className="muted small">· {formatDuration(report.durationMs)}</span>
          </dd>
        </div>
        {report.unpaired !== undefined && (
          <div className="report-wide">
            <dt>Unpaired rows (good/bad completions)</dt>
            <dd data-testid="import-unpaired">
              {formatCount(report.unpaired.rows)} rows grouped into {formatCount(report.unpaired.items)} items
              {report.unpaired.oneKind > 0 && (
                <span className="muted small"> · {formatCount(report.unpaired.oneKind)} with only good or only bad completions, left unlabeled</span>
              )}
            </dd>
          </div>
        )}
      </dl>
      {report.errors.length > 0 && (
        <div className="error-lines">
          <p className="small muted">
            Fix these rows in the file and import it again: rows that already landed stay unchanged, fixed rows are added.
          </p>
          {grouped && <ReasonGroups groups={report.reasons ?? []} errorCount={report.errorCount} />}
          {grouped && !listOpen && (
            <button type="button" className="button small" data-testid="import-errors-show-all" onClick={() => setListOpen(true)}>
              Show all {formatCount(report.errors.length)} {report.errors.length === 1 ? 'error' : 'errors'}
            </button>
          )}
          {listShown && (
            <pre className="error-list mono" data-testid="import-errors">
              {(grouped ? report.errors : shown).map((error) => (
                <div key={`${error.line}:${error.reason}`} className="error-line" data-testid="import-error-line">
                  {error.message}
                </div>
              ))}
            </pre>
          )}
          {!grouped && !showAll && report.errors.length > INITIAL_ERRORS_SHOWN && (
            <button type="button" className="button small" data-testid="import-errors-show-all" onClick={() => setShowAll(true)}>
              Show all {formatCount(report.errors.length)} errors
            </button>
          )}
          {hiddenByServer > 0 && listShown && (
            <p className="small muted">
              {formatCount(hiddenByServer)} more errors are not listed (the report keeps the first {formatCount(report.errors.length)}); {grouped ? 'the reasons above count them all' : 'the first ones usually show the pattern'}.
            </p>
          )}
        </div>
      )}
    </div>
  );
}
