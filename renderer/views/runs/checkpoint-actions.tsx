/**
 * What a checkpoint row offers besides its numbers: open it in the score playground, serve it over
 * HTTP, export it merged or as ONNX. One compact menu per row (the checkpoint table shares its
 * width with the log); an export in flight shows its phase in the row.
 */
import { useEffect, useRef } from 'react';
import { useStudioClient } from '../../client/client-context';
import { useRouteStore } from '../../state/route-store';
import { exportJobKey, startExport, useExportJobs } from '../models/export-jobs';
import { checkpointLabel } from '../models/model-options';
import { useModelSelection } from '../models/model-selection-store';
import { modelKey } from '../models/model-types';
import { serveModel } from '../models/serve-model';
import type { CheckpointInfo, ModelExportFormat } from '../../client/contract-types';
import '../../styles/models.css';

export function CheckpointActions({ checkpoint, runName }: { checkpoint: CheckpointInfo; runName: string }) {
  const client = useStudioClient();
  const navigate = useRouteStore((state) => state.navigate);
  const menu = useRef<HTMLDetailsElement>(null);
  const merged = useExportJobs((state) => state.jobs[exportJobKey(checkpoint.id, 'merged')]);
  const onnx = useExportJobs((state) => state.jobs[exportJobKey(checkpoint.id, 'onnx')]);
  const job = merged ?? onnx;
  const label = checkpointLabel(runName, checkpoint.step, false);
  const ref = { kind: 'checkpoint', checkpointId: checkpoint.id } as const;

  // A click anywhere else closes the menu, as menus do.
  useEffect(() => {
    function close(event: MouseEvent): void {
      if (menu.current?.open && !menu.current.contains(event.target as Node)) menu.current.open = false;
    }
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, []);

  function act(action: () => void): void {
    if (menu.current) menu.current.open = false;
    action();
  }

  function exportAs(format: ModelExportFormat): void {
    void startExport(client, checkpoint.id, format, label);
  }

  return (
    <div className="checkpoint-actions">
      {job && (
        <span className="small muted checkpoint-job" data-testid="checkpoint-export-job" title={job.message}>
          {job.format === 'onnx' ? 'ONNX' : 'Merge'}: {job.phase}
        </span>
      )}
      <details className="menu" ref={menu}>
        <summary className="button small" data-testid="checkpoint-actions">
          Use ▾
        </summary>
        <div className="menu-list" role="menu">
          <button
            type="button"
            role="menuitem"
            data-testid="checkpoint-open-playground"
            onClick={() =>
              act(() => {
                useModelSelection.getState().choosePlayground(modelKey(ref));
                navigate('models');
              })
            }
          >
            Open in playground
          </button>
          <button
            type="button"
            role="menuitem"
            data-testid="checkpoint-serve"
            onClick={() =>
              act(() => {
                useModelSelection.getState().chooseServe(modelKey(ref));
                void serveModel(client, ref, label).then((status) => status && navigate('models'));
              })
            }
          >
            Serve over HTTP
          </button>
          <button type="button" role="menuitem" disabled={Boolean(merged)} data-testid="checkpoint-export-merged" onClick={() => act(() => exportAs('merged'))}>
            Export merged model
          </button>
          <button type="button" role="menuitem" disabled={Boolean(onnx)} data-testid="checkpoint-export-onnx" onClick={() => act(() => exportAs('onnx'))}>
            Export ONNX
          </button>
        </div>
      </details>
    </div>
  );
}
