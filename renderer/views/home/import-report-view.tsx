/**
 * An import's outcome: what landed, what was already there, and every bad row as
 * `file:line: reason` (the server's own `message`, so the UI, the CLI and the tests agree on the
 * exact text). Long error lists are capped with "show all": thousands of DOM rows would make
 * the page stutter for nothing.
 */
import { useState } from 'react';
import type { ImportReport } from '../../../app/dataset/types';
import { formatCount, formatDuration } from '../../components/format';

const INITIAL_ERRORS_SHOWN = 50;

export function ImportReportView({ report, testId = 'import-report' }: { report: ImportReport; testId?: string }) {
  const [showAll, setShowAll] = useState(false);
  const shown = showAll ? report.errors : report.errors.slice(0, INITIAL_ERRORS_SHOWN);
  const hiddenByServer = report.errorCount - report.errors.length;

  return (
    <div className="report" data-testid={testId}>
      <div className="report-head">
        <span className={report.errorCount > 0 ? 'report-status warn' : report.cancelled ? 'report-status warn' : 'report-status ok'}>
          {report.cancelled ? 'Stopped' : report.errorCount > 0 ? 'Imported with errors' : 'Imported'}
        </span>
        <span className="mono small muted report-file" title={report.file}>
          {report.file}
        </span>
      </div>
      <dl className="report-grid">
        <div>
          <dt>Added</dt>
          <dd data-testid="import-added">{formatCount(report.added)}</dd>
        </div>
        <div>
          <dt>Unchanged</dt>
          <dd data-testid="import-unchanged">{formatCount(report.unchanged)}</dd>
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
      </dl>
      {report.errors.length > 0 && (
        <div className="error-lines">
          <p className="small muted">
            Fix these rows in the file and import it again: rows that already landed stay unchanged, fixed rows are added.
          </p>
          <pre className="error-list mono" data-testid="import-errors">
            {shown.map((error) => (
              <div key={`${error.line}:${error.reason}`} className="error-line" data-testid="import-error-line">
                {error.message}
              </div>
            ))}
          </pre>
          {!showAll && report.errors.length > INITIAL_ERRORS_SHOWN && (
            <button type="button" className="button small" data-testid="import-errors-show-all" onClick={() => setShowAll(true)}>
              Show all {formatCount(report.errors.length)} errors
            </button>
          )}
          {hiddenByServer > 0 && (
            <p className="small muted">
              {formatCount(hiddenByServer)} more errors are not listed; the first {formatCount(report.errors.length)} usually show the pattern.
            </p>
          )}
        </div>
      )}
    </div>
  );
}
