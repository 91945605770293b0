import { useState } from 'react';
import { baseName, formatCount, formatDateTime } from '../../components/format';
import { Panel } from '../../components/panel';
import { ImportReportView } from './import-report-view';
import type { ImportReport } from '../../client/contract-types';

export interface PastImportsProps {
  imports: ImportReport[] | null;
  error: string | null;
}

const INITIAL_SHOWN = 8;

export function PastImports({ imports, error }: PastImportsProps) {
  const [openId, setOpenId] = useState<number | null>(null);
  const [showAll, setShowAll] = useState(false);
  const shown = imports && !showAll ? imports.slice(0, INITIAL_SHOWN) : imports;
  return (
    <Panel title="Past imports" testId="past-imports" aside={imports ? <span className="muted small">{imports.length}</span> : undefined}>
      {error ? (
        <p className="small danger">Could not load past imports: {error}</p>
      ) : !imports ? (
        <p className="small muted">Loading…</p>
      ) : imports.length === 0 ? (
        <p className="small muted" data-testid="past-imports-empty">
          Nothing imported into this project yet.
        </p>
      ) : (
        <ul className="import-history">
          {(shown ?? []).map((entry) => (
            <li key={entry.id} data-testid="past-import">
              <button
                type="button"
                className="history-entry"
                aria-expanded={openId === entry.id}
                title={entry.file}
                onClick={() => setOpenId(openId === entry.id ? null : entry.id)}
              >
                <span className="history-file mono">{baseName(entry.file)}</span>
                <span className="history-format">{entry.format}</span>
                {entry.interrupted ? (
                  <span className="history-counts warn-text" data-testid="past-import-interrupted" title="Its process stopped before it finished. Import the file again to add the rest.">
                    interrupted
                  </span>
                ) : (
                  <span className="history-counts">
                    +{formatCount(entry.added)} · ={formatCount(entry.unchanged)}
                    {entry.errorCount > 0 && <span className="danger"> · {formatCount(entry.errorCount)} errors</span>}
                  </span>
                )}
                <span className="history-when muted">{formatDateTime(entry.startedAt)}</span>
              </button>
              {openId === entry.id && <ImportReportView report={entry} testId="past-import-report" />}
            </li>
          ))}
        </ul>
      )}
      {imports && !showAll && imports.length > INITIAL_SHOWN && (
        <button type="button" className="button small" data-testid="past-imports-show-all" onClick={() => setShowAll(true)}>
          Show all {imports.length} imports
        </button>
      )}
    </Panel>
  );
}
