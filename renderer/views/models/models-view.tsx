/**
 * Models: everything done with a trained reward model besides evaluating it — try it in the score
 * playground, serve it over HTTP, export it (merged or ONNX). One screen because the three share
 * the same list of models and move between each other ("Use in playground", "Serve" on an export).
 */
import { useEffect } from 'react';
import { useStudioClient } from '../../client/client-context';
import { useRouteStore } from '../../state/route-store';
import '../../styles/models.css';
import { ExportsPanel } from './exports-panel';
import { useExportJobs } from './export-jobs';
import { hasOption, newestCheckpoint } from './model-options';
import { useModelSelection } from './model-selection-store';
import { modelKey } from './model-types';
import { PlaygroundPanel } from './playground-panel';
import { ServePanel } from './serve-panel';
import { serveModel } from './serve-model';
import { useModelCatalog } from './use-model-catalog';
import { useServeStatus } from './use-serve-status';

export function ModelsView() {
  const client = useStudioClient();
  const navigate = useRouteStore((state) => state.navigate);
  const catalog = useModelCatalog();
  const serve = useServeStatus();
  const { playground, serve: serveKey, choosePlayground, chooseServe } = useModelSelection();
  const finishedExports = useExportJobs((state) => state.finished);
  const { reload } = catalog;

  useEffect(() => {
    if (finishedExports > 0) reload();
  }, [finishedExports, reload]);

  // Nothing chosen (or the choice was deleted): the newest checkpoint.
  const newest = newestCheckpoint(catalog.checkpoints);
  const fallback = newest ? modelKey({ kind: 'checkpoint', checkpointId: newest.id }) : (catalog.groups[0]?.options[0]?.key ?? null);
  const playgroundModel = hasOption(catalog.groups, playground) ? playground : fallback;
  const serveModelKey = hasOption(catalog.groups, serveKey) ? serveKey : playgroundModel;
  const runName = (runId: number) => catalog.runs.find((run) => run.id === runId)?.name ?? `run ${runId}`;

  if (catalog.error && !catalog.loaded) {
    return (
      <div className="empty-state" data-testid="models-error">
        <p>The models of this project could not be listed.</p>
        <p className="small">{catalog.error}</p>
        <button type="button" className="button" onClick={reload}>
          Try again
        </button>
      </div>
    );
  }
  if (!catalog.loaded) return <div className="empty-state muted">Loading models…</div>;

  return (
    <div className="models" data-testid="models-view">
      <header className="view-header">
        <div>
          <h1 className="view-title">Models</h1>
          <p className="small muted">Score responses with a checkpoint or an export, serve one over HTTP, export merged or ONNX models.</p>
        </div>
        {catalog.checkpoints.length === 0 && (
          <button type="button" className="button primary" onClick={() => navigate('train')}>
            Train a model
          </button>
        )}
      </header>
      <div className="models-grid">
        <PlaygroundPanel groups={catalog.groups} model={playgroundModel} onModel={choosePlayground} />
        <div className="models-side">
          <ServePanel groups={catalog.groups} model={serveModelKey} onModel={chooseServe} status={serve.status} onStatus={serve.set} />
          <ExportsPanel
            exports={catalog.exports}
            checkpoints={catalog.checkpoints}
            runName={runName}
            onChanged={reload}
            onUse={(item) => choosePlayground(modelKey({ kind: 'export', exportId: item.id }))}
            onServe={(item) => {
              const ref = { kind: 'export', exportId: item.id } as const;
              chooseServe(modelKey(ref));
              void serveModel(client, ref, item.id).then((status) => status && serve.set(status));
            }}
          />
        </div>
      </div>
    </div>
  );
}
