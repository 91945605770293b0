/**
 * Runs: the list on the left; the shown run's status, progress, live charts (with any overlaid
 * runs), checkpoints and log on the right.
 */
import { useEffect, useMemo, useState } from 'react';
import { runColor } from '../../charts/chart-specs';
import { connectSeriesStore, ensureRunMetrics, forgetRunMetrics } from '../../charts/series-store-instance';
import { useStudioClient } from '../../client/client-context';
import { isRunUnfinished } from './run-status';
import { LogTail } from '../../components/log-tail';
import { Panel } from '../../components/panel';
import { useRouteStore } from '../../state/route-store';
import type { ChartRunFacts } from './chart-availability';
import { ChartGrid } from './chart-grid';
import { ChartToolbar } from './chart-toolbar';
import { CheckpointList } from './checkpoint-list';
import type { ChartRunRef } from './metric-chart';
import { RunHeader } from './run-header';
import { RunsList } from './runs-list';
import { useRunDetail, useRunLog } from './use-run-detail';
import { useNow } from './use-now';
import { useRunsList } from './use-runs-list';

const MAX_OVERLAYS = 7;

export function RunsView() {
  const client = useStudioClient();
  const routeRunId = useRouteStore((state) => state.runId);
  const openRun = useRouteStore((state) => state.openRun);
  const navigate = useRouteStore((state) => state.navigate);
  const { runs, error, remove } = useRunsList();
  const [overlayIds, setOverlayIds] = useState<number[]>([]);

  useEffect(() => connectSeriesStore(client), [client]);

  // No run in the address: show the newest.
  const shownId = routeRunId ?? runs?.[0]?.id ?? null;
  const shown = runs?.find((run) => run.id === shownId) ?? null;
  const { detail } = useRunDetail(shownId);
  const log = useRunLog(shownId);
  const anyUnfinished = runs?.some((run) => isRunUnfinished(run.status)) ?? false;
  const now = useNow(anyUnfinished);

  const chartRuns = useMemo<ChartRunRef[]>(() => {
    if (!runs || shownId === null) return [];
    const ids = [shownId, ...overlayIds.filter((id) => id !== shownId)];
    return ids.flatMap((id, index) => {
      const run = runs.find((entry) => entry.id === id);
      return run ? [{ runId: run.id, name: run.name, color: runColor(index) }] : [];
    });
  }, [runs, shownId, overlayIds]);

  // What the charts need to know of each run to say why one is empty (or leave it out).
  const chartFacts = useMemo<ChartRunFacts[]>(
    () =>
      chartRuns.map(({ runId }) => {
        const run = runs?.find((entry) => entry.id === runId);
        const isShown = detail !== null && detail.id === runId;
        const evalSteps = isShown ? detail.config.eval_steps : undefined;
        return {
          gpus: run?.gpus ?? [],
          valItems: isShown ? detail.data.valItems : null,
          evalSteps: typeof evalSteps === 'number' ? evalSteps : null,
        };
      }),
    [chartRuns, runs, detail],
  );

  const chartRunKey = chartRuns.map((run) => run.runId).join(',');
  // Keyed by the ids alone: a new colour or name must not reload anything.
  useEffect(() => {
    for (const id of chartRunKey.split(',')) if (id) ensureRunMetrics(client, Number(id));
  }, [client, chartRunKey]);

  if (error && !runs) {
    return (
      <div className="empty-state" data-testid="runs-error">
        <p>The runs could not be listed.</p>
        <p className="small">{error}</p>
      </div>
    );
  }
  if (!runs) return <div className="empty-state muted">Loading runs…</div>;
  if (runs.length === 0) {
    return (
      <div className="empty-state" data-testid="runs-empty">
        <p>No runs yet.</p>
        <p className="small">Start one from Train: the Tiny CPU demo preset finishes in a few minutes on any machine.</p>
        <button type="button" className="button primary" onClick={() => navigate('train')}>
          Go to Train
        </button>
      </div>
    );
  }

  return (
    <div className="runs" data-testid="runs-view">
      <aside className="runs-sidebar">
        <div className="runs-sidebar-header">
          <span className="section-label">Runs</span>
          <button type="button" className="button small" onClick={() => navigate('train')}>
            New run
          </button>
        </div>
        <RunsList
          runs={runs}
          shownId={shownId}
          overlayIds={overlayIds}
          now={now}
          colorOf={(runId) => chartRuns.find((run) => run.runId === runId)?.color ?? null}
          onShow={(runId) => {
            setOverlayIds((ids) => ids.filter((id) => id !== runId));
            openRun(runId);
          }}
          onToggleOverlay={(runId, on) => setOverlayIds((ids) => (on ? [...ids, runId].slice(-MAX_OVERLAYS) : ids.filter((id) => id !== runId)))}
        />
      </aside>
      <div className="runs-main">
        {shown ? (
          <>
            <RunHeader
              run={shown}
              now={now}
              onDeleted={(runId) => {
                remove(runId);
                forgetRunMetrics(runId);
                setOverlayIds((ids) => ids.filter((id) => id !== runId));
                openRun(null);
              }}
            />
            <ChartToolbar runs={chartRuns} />
            <ChartGrid runs={chartRuns} facts={chartFacts} />
            <div className="runs-bottom">
              <Panel title="Checkpoints" testId="checkpoints-panel" aside={<span className="muted small">{detail?.checkpoints.length ?? 0}</span>}>
                <CheckpointList checkpoints={detail?.checkpoints ?? []} runName={shown.name} />
              </Panel>
              <Panel title="Log" testId="log-panel" aside={<span className="muted small mono">worker.log</span>}>
                <LogTail lines={log} testId="run-log" emptyText="No output yet." maxHeight={260} />
              </Panel>
            </div>
          </>
        ) : (
          <div className="empty-state" data-testid="run-missing">
            <p>Run {shownId} is not in this project.</p>
            <button type="button" className="button" onClick={() => openRun(null)}>
              Show the newest run
            </button>
          </div>
        )}
      </div>
    </div>
  );
}
