/**
 * Agreement between annotators and the conflicts to settle. Numbers come from
 * `judgments.agreement`; each conflict is settled by picking one of the rankings given, which
 * `judgments.adjudicate` records under the adjudicator's name (and export then uses).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { describeError } from '../../client/studio-client-error';
import { formatCount } from '../../components/format';
import { Panel } from '../../components/panel';
import { useStudioEvent } from '../../hooks/use-studio-event';
import { useProjectStore } from '../../state/project-store';
import { useSettingsStore } from '../../state/settings-store';
import { toastError, toastSuccess } from '../../state/toast-store';
import { AgreementSummary } from './agreement-summary';
import { ConflictCard } from './conflict-card';
import type { CommandResult, Split } from '../../client/contract-types';

type AgreementReport = CommandResult<'judgments.agreement'>;
type ConflictList = CommandResult<'judgments.conflicts'>;

const CONFLICT_PAGE = 50;
const SPLITS: readonly (Split | 'all')[] = ['all', 'train', 'val', 'test'];
/** Judgments arrive in bursts while someone annotates; recount at most this often. */
const REFRESH_DELAY_MS = 600;

export function AgreementView() {
  const client = useStudioClient();
  const projectDir = useProjectStore((state) => state.project?.dir ?? null);
  const annotator = useSettingsStore((state) => state.settings.annotator);
  const [split, setSplit] = useState<Split | 'all'>('all');
  const [includeAdjudicated, setIncludeAdjudicated] = useState(false);
  const [report, setReport] = useState<AgreementReport | null>(null);
  const [conflicts, setConflicts] = useState<ConflictList | null>(null);
  const [limit, setLimit] = useState(CONFLICT_PAGE);
  const [error, setError] = useState<{ message: string; hint: string | undefined } | null>(null);
  const [busy, setBusy] = useState(false);
  const generation = useRef(0);

  const load = useCallback(() => {
    const gen = ++generation.current;
    const splitInput = split === 'all' ? undefined : split;
    Promise.all([
      client.invoke('judgments.agreement', { split: splitInput }),
      client.invoke('judgments.conflicts', { split: splitInput, includeAdjudicated, offset: 0, limit: Math.min(500, limit) }),
    ]).then(
      ([nextReport, nextConflicts]) => {
        if (gen !== generation.current) return;
        setReport(nextReport);
        setConflicts(nextConflicts);
        setError(null);
      },
      (failure: unknown) => {
        if (gen !== generation.current) return;
        const { message, hint } = describeError(failure);
        setError({ message, hint });
      },
    );
  }, [client, split, includeAdjudicated, limit]);

  useEffect(() => {
    if (projectDir) load();
  }, [projectDir, load]);

  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useStudioEvent('judgments.onChanged', () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(load, REFRESH_DELAY_MS);
  });
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  async function adjudicate(itemId: string, ranking: number[]): Promise<void> {
    if (!annotator) {
      useSettingsStore.getState().openDialog();
      return;
    }
    setBusy(true);
    try {
      await client.invoke('judgments.adjudicate', { itemId, ranking, annotator });
      toastSuccess(`Final ranking for ${itemId} saved; export uses it.`);
      load();
    } catch (failure) {
      toastError(failure, `Adjudicating ${itemId}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="agreement-view" data-testid="agreement-view">
      <header className="view-header">
        <div>
          <h1 className="view-title">Agreement</h1>
          <p className="small muted">How often annotators agree on the same items, and the conflicts to settle before export.</p>
        </div>
        <div className="segmented" role="group" aria-label="Split">
          {SPLITS.map((value) => (
            <button
              key={value}
              type="button"
              className={split === value ? 'segment active' : 'segment'}
              aria-pressed={split === value}
              data-testid={`agreement-split-${value}`}
              onClick={() => setSplit(value)}
            >
              {value}
            </button>
          ))}
        </div>
      </header>
      {error ? (
        <div className="empty-state" data-testid="agreement-error">
          <p>Could not compute the agreement: {error.message}</p>
          <p className="small muted">{error.hint ?? 'Try again once the connection is back.'}</p>
          <button type="button" className="button" onClick={load}>
            Try again
          </button>
        </div>
      ) : !report || !conflicts ? (
        <div className="empty-state muted">Counting…</div>
      ) : (
        <div className="stack">
          <AgreementSummary report={report} />
          <Panel
            title="Conflicts"
            testId="conflict-list"
            aside={
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={includeAdjudicated}
                  data-testid="conflicts-include-adjudicated"
                  onChange={(event) => setIncludeAdjudicated(event.target.checked)}
                />
                Show settled ones too
              </label>
            }
          >
            {conflicts.items.length === 0 ? (
              <p className="small muted" data-testid="conflicts-empty">
                {report.annotators.length < 2
                  ? 'Conflicts appear when two or more annotators judge the same item differently. So far only one person has annotated.'
                  : includeAdjudicated
                    ? 'No conflicts: the annotators agree on every item they share.'
                    : 'Nothing left to settle. Tick “Show settled ones too” to review adjudications.'}
              </p>
            ) : (
              <div className="conflicts">
                <p className="small muted">
                  {formatCount(conflicts.total)} {conflicts.total === 1 ? 'item' : 'items'}. Pick the ranking that should be final; letters are the responses in stored order.
                </p>
                {conflicts.items.map((conflict) => (
                  <ConflictCard key={conflict.item.id} conflict={conflict} busy={busy} onAdjudicate={(id, ranking) => void adjudicate(id, ranking)} />
                ))}
                {conflicts.total > conflicts.items.length && limit < 500 && (
                  <button type="button" className="button" onClick={() => setLimit((value) => value + CONFLICT_PAGE)}>
                    Show more
                  </button>
                )}
              </div>
            )}
          </Panel>
        </div>
      )}
    </div>
  );
}
